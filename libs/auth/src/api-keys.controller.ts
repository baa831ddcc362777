import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCaller, ApiErrors } from '@ocop/common';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiKeysService } from './api-keys.service';
import { ROLES, Roles, type Role } from './principal';
import { ApiKeyPage, IssuedApiKeyResponse } from './responses';

export class IssueApiKeyBody {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'required exactly when role is cooperative' })
  @IsOptional()
  @IsUUID()
  cooperativeId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}

@ApiTags('API keys')
@ApiCaller()
@ApiErrors(403)
@Controller('v1/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key (admin); the answer carries the key once' })
  @ApiCreatedResponse({ type: IssuedApiKeyResponse })
  @ApiErrors(400, 413, 415)
  issue(@Body() body: IssueApiKeyBody): Promise<IssuedApiKeyResponse> {
    return this.keys.issue(body);
  }

  @Get()
  @ApiOperation({ summary: 'Extension: the live API keys by their first 12 characters (admin)' })
  @ApiOkResponse({ type: ApiKeyPage })
  async list(): Promise<ApiKeyPage> {
    return { items: await this.keys.list(), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (admin): it stops on its very next call' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
