import { Conflict, describeError, databaseUnavailable } from './errors';

describe('describeError: every failure becomes a status and the error shape', () => {
  it('keeps a domain error as it is', () => {
    expect(describeError(new Conflict('taken'))).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: 'taken' } },
      internal: false,
    });
  });

  it('names a framework 4xx by its status', () => {
    const tooLarge = Object.assign(new Error('too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(describeError(tooLarge)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  it.each([
    ['a pool with no free connection in time', new Error('timeout exceeded when trying to connect')],
    ['a connection cut by the server', new Error('Connection terminated unexpectedly')],
    [
      'a connection that timed out while opening',
      new Error('Connection terminated due to connection timeout'),
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a server shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    [
      'a server with no connection left',
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ],
  ])('answers 503 for %s, and still logs it', (_what, error) => {
    expect(databaseUnavailable(error)).toBe(true);
    expect(describeError(error)).toMatchObject({
      status: 503,
      body: { error: { code: 'service_unavailable' } },
      internal: true,
    });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint the code did not expect', Object.assign(new Error('duplicate key'), { code: '23505' })],
    [
      'a message that only mentions a timeout',
      new Error('the marketplace said: timeout exceeded when trying to connect to us'),
    ],
    ['not an error at all', 'boom'],
  ])('answers 500 for %s, saying nothing of it', (_what, error) => {
    expect(describeError(error)).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'Something went wrong on our side', details: [] } },
      internal: true,
    });
  });
});
