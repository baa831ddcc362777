import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * OCOP rules and sales categories are reference data a province may adjust (OCOP.md "(config)"),
 * so they live in config/reference/*.json and are validated here at start-up.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const level = z.enum(['district', 'province', 'central']);
const starKey = z.enum(['3', '4', '5']);

const ocopSchema = z
  .object({
    scoreParts: z
      .array(
        z.object({
          part: z.enum(['partA', 'partB', 'partC']),
          name: z.string(),
          nameVi: z.string(),
          max: z.number().positive(),
        }),
      )
      .length(3),
    starBands: z
      .array(
        z.object({
          stars: z.number().int().min(1).max(5),
          minTotal: z.number().min(0),
          certified: z.boolean(),
        }),
      )
      .min(1),
    levelRules: z
      .array(
        z.object({
          decidedFrom: isoDate.nullable(),
          decidedBefore: isoDate.nullable(),
          levelByStars: z.record(starKey, level),
        }),
      )
      .min(1),
    levels: z.array(z.object({ level, name: z.string(), nameVi: z.string() })),
    validityMonths: z.number().int().positive(),
    expiryNoticeDays: z.number().int().positive(),
    groups: z.array(z.object({ slug: z.string(), name: z.string(), nameVi: z.string() })).length(6),
  })
  .superRefine((value, ctx) => {
    const parts = new Set(value.scoreParts.map((p) => p.part));
    if (parts.size !== 3)
      ctx.addIssue({ code: 'custom', message: 'scoreParts must name partA, partB and partC once each' });
    const minima = value.starBands.map((b) => b.minTotal);
    if (minima.some((m, i) => i > 0 && m >= minima[i - 1])) {
      ctx.addIssue({ code: 'custom', message: 'starBands must be ordered from the highest minTotal down' });
    }
    if (minima[minima.length - 1] !== 0)
      ctx.addIssue({ code: 'custom', message: 'the lowest star band must start at 0' });
  });

const categoriesSchema = z.object({
  categories: z
    .array(
      z.object({
        slug: z.string().regex(/^[a-z_]+$/),
        name: z.string(),
        nameVi: z.string(),
        ocopGroup: z.string(),
        marketplaces: z.object({
          sendo: z.number().int().positive(),
          voso: z.string().min(1),
          postmart: z.string().min(1),
          shopee: z.number().int().positive(),
          tiktok: z.string().regex(/^\d+$/),
          lazada: z.number().int().positive(),
        }),
      }),
    )
    .min(1),
});

export type OcopReference = z.infer<typeof ocopSchema>;
export type SalesCategory = z.infer<typeof categoriesSchema>['categories'][number];

export interface ReferenceData {
  ocop: OcopReference;
  categories: SalesCategory[];
}

export class ReferenceDataError extends Error {}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/**
 * Where config/reference is: beside this file when run from source (tests), two levels up when run
 * from the compiled dist/config (tsc does not copy JSON files it does not import).
 */
function referenceDir(): string {
  const candidates = [join(__dirname, 'reference'), join(__dirname, '..', '..', 'config', 'reference')];
  return candidates.find((dir) => existsSync(join(dir, 'ocop.json'))) ?? candidates[0];
}

/** Reads and validates config/reference; throws a ReferenceDataError naming the file and field. */
export function loadReferenceData(resolved = referenceDir()): ReferenceData {
  const parse = <T>(file: string, schema: z.ZodType<T>): T => {
    const result = schema.safeParse(readJson(resolved, file));
    if (!result.success) {
      const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new ReferenceDataError(
        `Invalid reference data in config/reference/${file}:\n${lines.join('\n')}`,
      );
    }
    return result.data;
  };
  const ocop = parse('ocop.json', ocopSchema);
  const { categories } = parse('categories.json', categoriesSchema);
  const groups = new Set(ocop.groups.map((g) => g.slug));
  const unknown = categories.filter((c) => !groups.has(c.ocopGroup));
  if (unknown.length > 0) {
    throw new ReferenceDataError(
      `Invalid reference data in config/reference/categories.json: unknown OCOP group for ${unknown.map((c) => c.slug).join(', ')}`,
    );
  }
  return { ocop, categories };
}
