import { applyDecorators, ArgumentMetadata, Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { IsInt, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { isCalendarDate } from './calendar-date';
import { FieldProblem, ValidationFailed } from './errors';

/** Integer VND, never negative or fractional (API.md: money as integer VND). */
export function IsVnd(): PropertyDecorator {
  return applyDecorators(
    IsInt({ message: '$property must be a whole number of VND' }),
    Min(0, { message: '$property must not be negative' }),
    Max(Number.MAX_SAFE_INTEGER),
  );
}

/** A real calendar day as YYYY-MM-DD (API.md: calendar dates, Asia/Ho_Chi_Minh). */
export function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a real date as YYYY-MM-DD`,
    },
  });
}

/**
 * The field may be left out, but null is not a value for it (the column behind it is NOT NULL).
 * Unlike @IsOptional, which lets null through, null goes on to the field's other rules and fails them.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/**
 * Where the first text holding a NUL character (U+0000) sits in an input, if any: PostgreSQL
 * stores no NUL in text and would refuse the statement as a 500. Walks with its own stack.
 */
export function nulCharacterAt(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [node, path] = pending.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) pending.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property \S+ should not exist$/, 'is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const classValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailed(flatten(errors)),
});

/**
 * The one input pipe: class-validator with unknown fields refused, plus a clear answer when the
 * body is not a JSON object at all (an array, a string, nothing) or text holds a NUL character.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto =
      typeof metadata.metatype === 'function' &&
      ![String, Number, Boolean, Array, Object].includes(metadata.metatype as never);
    if (
      metadata.type === 'body' &&
      isDto &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw new ValidationFailed([{ field: 'body', message: 'must be a JSON object' }]);
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const field = nulCharacterAt(value, metadata.data ?? '');
      if (field !== undefined) {
        throw new ValidationFailed([
          { field: field || metadata.type, message: 'must not contain the NUL character (U+0000)' },
        ]);
      }
    }
    return classValidation.transform(value, metadata);
  }
}
