/**
 * The one error hierarchy of the connector. Domain code throws these; the HTTP layer turns them
 * into API.md's error shape `{error: {code, message, details}}` without knowing the cases.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly code = 'validation_failed';
  constructor(problems: FieldProblem[], message = 'The request is not valid') {
    super(message, problems);
  }
}

export class BadRequest extends DomainError {
  readonly status = 400;
  readonly code = 'bad_request';
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

/** A business rule refused the request (e.g. OCOP stars that do not fit the level). */
export class RuleViolation extends DomainError {
  readonly status = 422;
  readonly code = 'rule_violation';
}

/** Too many requests; the HTTP layer sends `retryAfterSeconds` as the Retry-After header. */
export class RateLimited extends DomainError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}

const codeByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'rule_violation',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

/** Every `error.code` an answer can carry: the OpenAPI document lists them as an enum. */
export const ERROR_CODES = [
  ...new Set(['validation_failed', ...Object.values(codeByStatus), 'internal']),
] as readonly string[];

/**
 * Maps anything thrown while serving a request to a status and an API.md error body. Errors that
 * carry a 4xx status (framework or body-parser errors) keep it; everything else is a 500 whose
 * message never leaks internals.
 */
export function describeError(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, details: error.details } },
      internal: error.status >= 500,
    };
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    const code = codeByStatus[status] ?? 'bad_request';
    return {
      status,
      body: { error: { code, message: messageOf(error, status), details: [] } },
      internal: false,
    };
  }
  if (databaseUnavailable(error)) {
    return {
      status: 503,
      body: {
        error: {
          code: 'service_unavailable',
          message: 'A store this request needs is busy or out of reach; try again shortly',
          details: [],
        },
      },
      // still logged: an operator wants to know the pool ran dry or the database went away
      internal: true,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong on our side', details: [] } },
    internal: true,
  };
}

/**
 * PostgreSQL could not take the request: no pooled connection came free within
 * DATABASE_CONNECT_TIMEOUT_MS, the connection was refused or cut, or the server is shutting down
 * or full. A refused or reset socket's code does not say whose it was (Redis's client throws the
 * same), so the answer names no store: "try again" (503), not a crash (500).
 */
export function databaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message, code } = error as { message?: unknown; code?: unknown };
  // 57P01–57P03: the server is shutting down or starting; 53300: too many connections
  if (typeof code === 'string' && /^(57P0[123]|53300|ECONNREFUSED|ECONNRESET)$/.test(code)) return true;
  return (
    typeof message === 'string' &&
    /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?)$/.test(
      message,
    )
  );
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; status?: unknown; getStatus?: () => number };
  if (typeof candidate.getStatus === 'function') return candidate.getStatus();
  if (typeof candidate.statusCode === 'number') return candidate.statusCode;
  if (typeof candidate.status === 'number') return candidate.status;
  return undefined;
}

function messageOf(error: unknown, status: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return 'The request body is larger than the route accepts: 1 MiB of JSON, 5 MiB for a spreadsheet upload';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return 'The request body must be JSON (Content-Type: application/json), or a spreadsheet upload .xlsx (Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request says it carries JSON but the body is empty';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'The request body is not valid JSON';
  if (code === 'FST_ERR_BAD_URL') return 'The URL is not valid (a broken percent-escape)';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return 'A part of the URL path is longer than 100 characters';
  if (status === 404) return 'No such resource';
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message.length > 0 ? message : 'The request cannot be served';
}
