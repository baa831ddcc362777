import { ApiProperty } from '@nestjs/swagger';
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

export class MeResponse {
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role: Role;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the producer of a cooperative key',
  })
  cooperativeId: string | null;
}
