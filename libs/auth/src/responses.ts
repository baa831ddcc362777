import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '@ocop/common';
import { ROLES, type Role } from './principal';

/** The answers of the auth routes, as the OpenAPI document describes them. */

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the first 12 characters of the key, to tell keys apart' }) keyPrefix: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) cooperativeId: string | null;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class IssuedApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description: 'the key itself (`ocop_` and 43 more characters): shown this once, never again',
  })
  key: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) cooperativeId: string | null;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Every live key at once: nextCursor is always null. */
export class ApiKeyPage extends PageOf(ApiKeyResponse) {}

/** A person as the API shows them: never a password, hash or token. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', description: 'trimmed and lower-cased' }) email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the producer of a cooperative user',
  })
  cooperativeId: string | null;
  @ApiProperty({ description: 'a disabled person cannot sign in and has no session' }) disabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedUserResponse extends UserResponse {
  @ApiPropertyOptional({
    format: 'uri',
    description:
      'only when no password was given: the one-time link where the person sets one (7 days); shown this once',
  })
  inviteUrl?: string;
}

export class UserPage extends PageOf(UserResponse) {}

export class InvitationResponse {
  @ApiProperty({
    format: 'uri',
    description: 'the one-time link where the person sets a (new) password; shown this once',
  })
  inviteUrl: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** What signing in or accepting an invitation answers; the session itself is the Set-Cookie. */
export class SessionResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
}

export class MeResponse {
  @ApiProperty({ enum: ['key', 'user'], description: 'an API key or a signed-in person' })
  kind: 'key' | 'user';
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the producer of a cooperative key or person',
  })
  cooperativeId: string | null;
  @ApiPropertyOptional({ type: UserResponse, description: 'only for a session: the person' })
  user?: UserResponse;
  @ApiPropertyOptional({
    description: 'only for a session: the X-CSRF-Token header its writes must send',
  })
  csrfToken?: string;
}

/** Who made a recorded change, as named at that moment (the stock ledger's `actor`). */
export class ActorResponse {
  @ApiProperty({ enum: ['key', 'user'], description: 'an API key or a signed-in person' })
  kind: 'key' | 'user';
  @ApiProperty({ format: 'uuid', description: 'the key’s or the person’s id' }) id: string;
  @ApiProperty({ description: 'the key’s label (or prefix) or the person’s name, as it was then' })
  name: string;
}
