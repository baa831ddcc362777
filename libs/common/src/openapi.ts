import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtraModels, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES } from './errors';

/**
 * What the OpenAPI document says of answers, in one place: the error shape every 4xx and 5xx
 * answer has, the list page, and the security schemes. The browser's types are generated from the
 * document (docs/api.md, "The OpenAPI document"), so what is declared here is what clients rely on.
 */

/** The security schemes' names in the document. */
export const API_KEY_SCHEME = 'apiKey';
export const SESSION_SCHEME = 'session';
/** The cookie a signed-in person's browser carries (sessions, issue 14). */
export const SESSION_COOKIE = 'ocop_session';

/** An item of `details`: validation_failed's {field, message}; other codes name what they refer to. */
export interface ErrorDetail {
  field?: string;
  message?: string;
  [other: string]: unknown;
}

export class ErrorContent {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode' })
  code: string;

  @ApiProperty({ description: 'for people; never carries internals' })
  message: string;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { field: { type: 'string' }, message: { type: 'string' } },
      additionalProperties: true,
    },
    description:
      'validation_failed lists {field, message}; other codes may name what they refer to (a conflicting connectionId)',
  })
  details: ErrorDetail[];
}

/** API.md's error shape. */
export class ErrorResponse {
  @ApiProperty({ type: ErrorContent })
  error: ErrorContent;
}

/** Statuses a route may answer in the error shape, with what each means for any route. */
const ERROR_MEANINGS = {
  400: 'The request is not valid: `validation_failed` with `details` [{field, message}], or `bad_request` (malformed JSON, a forged cursor…)',
  401: 'No API key or session, or an unknown, revoked or expired one',
  403: 'The caller’s role may not do this, or a write made with the session cookie lacks its X-CSRF-Token',
  404: 'No such resource, or one of another cooperative (a path id that is not a UUID too)',
  409: 'The resource’s state does not allow it',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not application/json',
  422: 'A business rule refused it',
  429: 'Too many requests: `Retry-After` says in how many seconds to try again',
  503: 'A service this needs cannot answer now',
} as const;
export type ErrorStatus = keyof typeof ERROR_MEANINGS;

const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
};

/**
 * The error answers of a route: `ApiErrors(400, 404, {409: 'already listed'})`, each in the shared
 * error shape. A status alone takes its usual meaning; a `{status: meaning}` says what it means here.
 */
export function ApiErrors(...answers: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]) {
  const meanings = new Map<ErrorStatus, string>();
  for (const answer of answers) {
    if (typeof answer === 'number') meanings.set(answer, ERROR_MEANINGS[answer]);
    else
      for (const [status, meaning] of Object.entries(answer))
        meanings.set(Number(status) as ErrorStatus, meaning);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...[...meanings].map(([status, description]) =>
      ApiResponse({
        status,
        description,
        type: ErrorResponse,
        ...(status === 429 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/**
 * A controller whose routes need a caller: an API key (Authorization: Bearer) or, as the
 * alternative, a signed-in person's session cookie. Both can be refused (401) and rate limited (429).
 */
export function ApiCaller() {
  return applyDecorators(ApiBearerAuth(API_KEY_SCHEME), ApiCookieAuth(SESSION_SCHEME), ApiErrors(401, 429));
}

/** `{items, nextCursor}` of every list (API.md "Lists"): `class ProductPage extends PageOf(ProductResponse) {}`. */
export function PageOf<T>(item: Type<T>) {
  class PageOfItems {
    items: T[];
    nextCursor: string | null;
  }
  ApiProperty({ type: [item] })(PageOfItems.prototype, 'items');
  ApiProperty({
    type: String,
    nullable: true,
    description: 'pass back as `cursor` for the next page; null on the last page',
  })(PageOfItems.prototype, 'nextCursor');
  return PageOfItems;
}
