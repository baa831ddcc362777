import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OwnRateLimit, Public } from '@ocop/auth';
import { ApiErrors, BadRequest, ConnectorConfig } from '@ocop/common';
import { MARKETPLACES } from '@ocop/marketplaces';
import { WebhookAnswerResponse } from './responses';
import { WebhookInbox } from './webhook-inbox';

@ApiTags('Marketplace webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly inbox: WebhookInbox,
    private readonly config: ConnectorConfig,
  ) {}

  @Post(':marketplace')
  @Public()
  @OwnRateLimit()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A marketplace pushes an order event (sendo, voso, postmart, shopee, tiktok, lazada); authenticated by its signature only',
    description:
      'The body and signature headers are each marketplace’s own (docs/marketplaces.md, "Webhooks"). No API key: ' +
      'the signature over the exact bytes, with the shop’s webhookSecret, is the authentication.',
    // public: no API key or session; the signature is checked instead
    security: [],
  })
  @ApiParam({ name: 'marketplace', enum: MARKETPLACES, enumName: 'Marketplace' })
  @ApiOkResponse({
    type: WebhookAnswerResponse,
    description:
      'Stored (or a duplicate of a stored event). Marketplaces that count any answer body as a failed delivery get an empty body instead',
  })
  @ApiErrors(
    { 400: 'Not a webhook of that marketplace (unreadable body, unknown event type or status)' },
    {
      401: 'The signature is missing or wrong, the connection has no webhookSecret, or the signed time is too old',
    },
    { 404: 'No connection for the shop the body names, or an unknown marketplace' },
    413,
    {
      429: 'The shop’s connection sent too many verified webhooks this minute; Retry-After says when to send again',
    },
  )
  async receive(
    @Param('marketplace') marketplace: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookAnswerResponse | undefined> {
    // the signature covers the exact bytes, so the parsed body is never used
    if (!request.rawBody) throw new BadRequest('A JSON body is required');
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const answer = await this.inbox.receive(marketplace, {
      rawBody: request.rawBody,
      headers,
      url: `${this.config.publicBaseUrl}/v1/webhooks/${encodeURIComponent(marketplace)}`,
    });
    if (answer !== null) return answer;
    // Shopee and TikTok Shop count a delivery answered with any body as failed
    void reply.header('content-length', '0');
    return undefined;
  }
}
