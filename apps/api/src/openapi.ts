import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME, SESSION_COOKIE, SESSION_SCHEME } from '@ocop/common';

/** The tags, in the order the reference page shows them. */
const TAGS: [string, string][] = [
  ['People and sign-in', 'People, their sessions and invitations, and who the caller is'],
  ['API keys', 'Keys for machines and integrations'],
  ['Cooperatives', 'OCOP producers: cooperatives, enterprises, household businesses'],
  ['Products and stock', 'The catalogue, SKUs and the stock ledger'],
  ['Catalogue spreadsheets', 'The catalogue as .xlsx: export, template, import with a preview'],
  ['Reference data', 'Categories and their OCOP groups'],
  ['OCOP assessments and certificates', 'Council decisions, certificates, revocation'],
  ['Marketplace connections and listings', 'Shops on the marketplaces and the products listed there'],
  ['Orders', 'Orders imported from the marketplaces, and the actions on them'],
  ['Marketplace webhooks', 'Signed pushes from the marketplaces; no API key'],
  ['Sales metrics', 'Sales series, growth, OCOP uplift and the province report, as JSON or CSV'],
  ['Operations', 'Health probes and the admins’ sync view'],
];

/**
 * The OpenAPI document of the API: what /docs shows and /docs-json serves, what `npm run lint`
 * lints and what the dashboard's types are generated from (docs/api.md, "The OpenAPI document").
 * Built from the controllers' decorators; it needs the application's modules, not a listening server.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('OCOP marketplace connector')
    .setDescription(
      'One catalogue for OCOP producers on several marketplaces, and OCOP sales uplift for trade officers. ' +
        'Authenticate with "Authorization: Bearer <api key>", or with a signed-in session’s cookie. ' +
        'Every 4xx and 5xx answer is in the error shape `{error: {code, message, details}}`. ' +
        'Money is integer VND, instants ISO-8601 UTC, calendar dates YYYY-MM-DD in Asia/Ho_Chi_Minh.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://en.wikipedia.org/wiki/Proprietary_software')
    // relative: the document describes whichever instance serves it
    .addServer('/', 'This API')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key (ocop_ and 43 more characters)',
        description: 'An API key from POST /v1/api-keys, or the ADMIN_API_KEY of the environment',
      },
      API_KEY_SCHEME,
    )
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description:
          'A signed-in person’s session (POST /v1/sessions); writes also need the X-CSRF-Token header',
      },
      SESSION_SCHEME,
    );
  for (const [name, description] of TAGS) config.addTag(name, description);
  return SwaggerModule.createDocument(app, config.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}
