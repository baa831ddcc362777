import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OwnRateLimit, Public } from '@ocop/auth';
import { BadRequest } from '@ocop/common';
import { WebhookInbox } from './webhook-inbox';

@ApiTags('Marketplace webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly inbox: WebhookInbox) {}

  @Post(':marketplace')
  @Public()
  @OwnRateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A marketplace pushes an order event (sendo, voso, postmart); authenticated by its signature only',
  })
  receive(@Param('marketplace') marketplace: string, @Req() request: RawBodyRequest<FastifyRequest>) {
    // the signature covers the exact bytes, so the parsed body is never used
    if (!request.rawBody) throw new BadRequest('A JSON body is required');
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    return this.inbox.receive(marketplace, { rawBody: request.rawBody, headers });
  }
}
