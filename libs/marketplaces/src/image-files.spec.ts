import { errorCodes, imageKind, privateAddress, privateLiteral } from './image-files';

describe('privateAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.9',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(privateAddress(address)).toBe(true);
  });

  it.each(['203.113.131.1', '8.8.8.8', '2404:6800:4005:80a::200e', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(privateAddress(address)).toBe(false);
    },
  );
});

describe('imageKind', () => {
  it('reads the kind from the bytes', () => {
    expect(imageKind(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('image/jpeg');
    expect(imageKind(Buffer.from('89504e470d0a1a0a0000000d', 'hex'))).toBe('image/png');
    expect(imageKind(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe(
      'image/webp',
    );
  });

  it('refuses what is not a JPEG, PNG or WebP, whatever it is called', () => {
    expect(imageKind(Buffer.from('<html>not a photo</html>'))).toBeNull();
    expect(imageKind(Buffer.from('GIF89a'))).toBeNull();
    expect(imageKind(Buffer.alloc(0))).toBeNull();
  });
});

describe('privateLiteral', () => {
  it('refuses a redirect to a private address written as such, which no lookup would judge', () => {
    expect(privateLiteral('169.254.169.254', false)).toBe(true);
    expect(privateLiteral('[::1]', false)).toBe(true);
    expect(privateLiteral('10.0.0.7', false)).toBe(true);
  });

  it('leaves names to the lookup, public addresses through, and everything when allowed', () => {
    expect(privateLiteral('cdn.example.vn', false)).toBe(false);
    expect(privateLiteral('8.8.8.8', false)).toBe(false);
    expect(privateLiteral('169.254.169.254', true)).toBe(false);
  });
});

describe('errorCodes', () => {
  it('reads a refusal in a redirect hook two causes down, as axios and follow-redirects wrap it', () => {
    const refusal = Object.assign(new Error('a redirect to a private address'), { code: 'EPRIVATE' });
    const redirect = Object.assign(new Error('Redirected request failed'), {
      code: 'ERR_FR_REDIRECTION_FAILURE',
      cause: refusal,
    });
    const axiosError = Object.assign(new Error(redirect.message), { code: redirect.code, cause: redirect });
    expect(errorCodes(axiosError)).toEqual([
      'ERR_FR_REDIRECTION_FAILURE',
      'ERR_FR_REDIRECTION_FAILURE',
      'EPRIVATE',
    ]);
  });

  it('reads nothing from what is not an error, and stops at a cause that loops', () => {
    expect(errorCodes(undefined)).toEqual([]);
    expect(errorCodes('ECONNRESET')).toEqual([]);
    const looped: { code: string; cause?: unknown } = { code: 'ELOOP' };
    looped.cause = looped;
    expect(errorCodes(looped)).toHaveLength(5);
  });
});
