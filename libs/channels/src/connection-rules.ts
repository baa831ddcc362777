import type { FieldProblem } from '@ocop/common';
import { connectionOrigin, type Marketplace, type MarketplaceOrigins } from '@ocop/marketplaces';

/**
 * What is wrong with a connection's address and credentials before any call is made: `baseUrl`
 * must be one of the marketplace's configured origins (the API sends the shop's credentials
 * there; omitted, its first origin is taken), and `credentials.webhookSecret` is required, or every
 * webhook of the shop would be refused. `checkBaseUrl` is false for an update, which keeps the
 * stored address.
 */
export function connectionProblems(
  origins: MarketplaceOrigins,
  marketplace: Marketplace,
  input: { baseUrl?: string; credentials: Record<string, string> },
  checkBaseUrl: boolean,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (checkBaseUrl) {
    const { problem } = connectionOrigin(origins, marketplace, input.baseUrl);
    if (problem !== undefined) problems.push({ field: 'baseUrl', message: `baseUrl ${problem}` });
  }
  const secret = input.credentials.webhookSecret;
  if (typeof secret !== 'string' || secret.trim() === '') {
    problems.push({
      field: 'credentials.webhookSecret',
      message:
        'credentials.webhookSecret is required: the secret the marketplace signs its webhooks with for this shop',
    });
  }
  return problems;
}
