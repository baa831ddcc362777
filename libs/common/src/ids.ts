import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFound } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A path id that cannot be a UUID names nothing that exists: 404, as for any unknown id. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new NotFound('No such resource');
    return value.toLowerCase();
  }
}
