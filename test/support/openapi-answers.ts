import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks answers against the OpenAPI document the API serves: the schema documented for the
 * operation and the status it answered, for the content type it answered in. An answer whose
 * status the operation does not document, or whose body does not validate, is a problem.
 *
 * The document is OpenAPI 3.0; its schemas are turned into JSON Schema for Ajv as the 3.0 rules
 * read them: `nullable: true` allows null beside whatever the schema allows (also where it holds a
 * one-item allOf of a $ref, which @nestjs/swagger writes). Objects with declared properties are
 * checked closed (no property the document does not name), so a field added to an answer without
 * being documented fails here; the document itself stays open for clients.
 */
type Schema = Record<string, any>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  operation: any;
  matches: RegExp;
}

function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, example: _example, ...rest } = schema as Schema;
  const converted: Schema = {};
  for (const [key, value] of Object.entries(rest)) {
    // a map of names to schemas: convert the schemas, keep the names
    converted[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, toJsonSchema(s)]))
        : toJsonSchema(value);
  }
  if (converted.properties && converted.additionalProperties === undefined) {
    converted.additionalProperties = false;
  }
  return nullable ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

export class AnswerChecker {
  readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      this.ajv.addSchema(toJsonSchema(schema) as Schema, `#/components/schemas/${name}`);
    }
    this.operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
        matches: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/?]+')}$`),
      })),
    );
  }

  /** The documented operation a request went to, if any. */
  operationOf(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0]!;
    const candidates = this.operations.filter((op) => op.method === method && op.matches.test(path));
    // a literal segment beats a parameter: /v1/metrics/province/sales is not /v1/metrics/cooperatives/{id}/sales
    return candidates.sort((a, b) => b.path.split('{').length - a.path.split('{').length).pop();
  }

  /** Problems with an answer to `method url`, none when it is as documented. */
  problems(method: string, url: string, status: number, contentType: string | null, text: string): string[] {
    const op = this.operationOf(method, url);
    if (!op) return [`${method} ${url}: no such operation in the document`];
    const answer = op.operation.responses?.[String(status)];
    const where = `${method} ${op.path} → ${status}`;
    if (!answer) return [`${where}: the document lists no ${status} answer for this operation`];
    if (!answer.content)
      return text === '' ? [] : [`${where}: documented without a body, answered ${text.slice(0, 200)}`];
    const mediaType = (contentType ?? '').split(';')[0]!.trim();
    const media = answer.content[mediaType];
    if (!media)
      return [
        `${where}: answered ${mediaType || 'no content type'}, documented ${Object.keys(answer.content).join(', ')}`,
      ];
    if (mediaType !== 'application/json') return [];
    const key = `${op.method} ${op.path} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(media.schema) as Schema);
      this.validators.set(key, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: the body is not JSON: ${text.slice(0, 200)}`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || 'body'} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }
}
