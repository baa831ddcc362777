import 'reflect-metadata';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationFailed } from './errors';
import { InputValidationPipe, nulCharacterAt, Omittable } from './validation';

class Line {
  @IsString() code: string;
}

class Patch {
  @Omittable() @IsString() name?: string;
  @IsOptional() @IsString() district?: string | null;
  @Omittable() @IsInt() weight?: number;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Line) lines?: Line[];
}

const pipe = new InputValidationPipe();
const asBody = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Patch });
const problems = async (value: unknown) => {
  try {
    await asBody(value);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return (error as ValidationFailed).details;
  }
};

describe('Omittable: may be left out, never null', () => {
  it('accepts the field left out, and a value', async () => {
    await expect(asBody({})).resolves.toBeInstanceOf(Patch);
    await expect(asBody({ name: 'Chè', weight: 100 })).resolves.toMatchObject({ name: 'Chè', weight: 100 });
  });

  it('refuses null with the field named, where @IsOptional would let it through', async () => {
    expect(await problems({ name: null })).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(await problems({ weight: null })).toEqual([expect.objectContaining({ field: 'weight' })]);
    expect(await problems({ district: null })).toEqual([]);
  });
});

describe('NUL characters in input', () => {
  it('finds the first text holding one, with its path', () => {
    expect(nulCharacterAt({ a: 'x', b: ['y', { c: 'z\u0000' }] }, '')).toBe('b.1.c');
    expect(nulCharacterAt('\u0000', 'id')).toBe('id');
    expect(nulCharacterAt({ a: 'x', b: [1, null, true] }, '')).toBeUndefined();
  });

  it('refuses them in bodies, queries and path parameters, naming the field', async () => {
    expect(await problems({ name: 'HTX\u0000' })).toEqual([
      { field: 'name', message: 'must not contain the NUL character (U+0000)' },
    ]);
    expect(await problems({ lines: [{ code: '\u0000' }] })).toEqual([
      expect.objectContaining({ field: 'lines.0.code' }),
    ]);
    await expect(
      pipe.transform({ q: 'chè\u0000' }, { type: 'query', metatype: Object }),
    ).rejects.toMatchObject({
      details: [{ field: 'q' }],
    });
    await expect(
      pipe.transform('\u0000', { type: 'param', data: 'id', metatype: String }),
    ).rejects.toMatchObject({
      details: [{ field: 'id' }],
    });
  });
});
