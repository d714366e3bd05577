import type { z } from 'zod';
import { unionSelector } from './schema/tagged-union.js';

type PathKey = PropertyKey;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  getter?: () => z.ZodType;
}

export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

// The schema with optional/default/pipe wrappers taken off, down to the one that holds the shape.
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else break;
  }
  return current;
}

// The branch of a union that the input was meant for (tagged unions and discriminated unions).
export function branchFor(union: z.ZodType, input: unknown): z.ZodType | 'none' | undefined {
  const selector = unionSelector(union);
  if (selector) {
    const branch = selector.branches.find((b) => b.when(input));
    return branch ? branch.schema : 'none';
  }
  const def = defOf(union);
  if (def.discriminator && input && typeof input === 'object') {
    const value = (input as Record<string, unknown>)[def.discriminator];
    const match = def.options?.find((option) => {
      const shape = defOf(unwrap(option)).shape;
      const literal = shape?.[def.discriminator!];
      return literal ? defOf(unwrap(literal)).values?.includes(value) : false;
    });
    return match ?? 'none';
  }
  return undefined;
}

// Follows a path into the schema alongside the data, choosing union branches by the data.
export function schemaAt(root: z.ZodType, path: readonly PathKey[], data: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value = data;
  for (const key of path) {
    if (!schema) return undefined;
    schema = descend(schema, key, value);
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return schema;
}

function descend(schema: z.ZodType, key: PathKey, value: unknown): z.ZodType | undefined {
  let current = unwrap(schema);
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (def.type !== 'union') break;
    const branch = branchFor(current, value);
    if (!branch || branch === 'none') return undefined;
    current = unwrap(branch);
  }
  const def = defOf(current);
  switch (def.type) {
    case 'object':
      return def.shape?.[String(key)];
    case 'array':
      return def.element;
    case 'record':
      return def.valueType;
    case 'tuple':
      return def.items?.[Number(key)];
    default:
      return undefined;
  }
}

// The keys an object schema accepts (for "did you mean").
export function objectKeys(schema: z.ZodType, value: unknown): string[] {
  let current = unwrap(schema);
  for (let i = 0; i < 10 && defOf(current).type === 'union'; i++) {
    const branch = branchFor(current, value);
    if (!branch || branch === 'none') return [];
    current = unwrap(branch);
  }
  return Object.keys(defOf(current).shape ?? {});
}

// "a duration like …", "one of "a", "b"", "a number": what the schema expects, in words.
// An explicit `meta({ expected })` wins (clones such as `.describe()` inherit it); then a
// description already phrased as an expectation; then what the type itself says; then any
// description at all. A description that documents the field ("how long the fault lasts")
// is never passed off as the expected form when a better one exists below it.
export function expectedText(schema: z.ZodType | undefined): string | undefined {
  const chain: z.ZodType[] = [];
  for (let current = schema, i = 0; current && i < 20; i++) {
    chain.push(current);
    const def = defOf(current);
    current = (WRAPPERS.has(def.type) && def.innerType) || (def.type === 'pipe' ? def.in : undefined);
  }
  for (const s of chain) {
    const expected = (metaOf(s) as { expected?: unknown } | undefined)?.expected;
    if (typeof expected === 'string') return expected;
  }
  for (const s of chain) {
    const description = (s as { description?: string }).description;
    if (description && EXPECTATION.test(description)) return description;
  }
  for (const s of chain) {
    const plain = plainExpected(s);
    if (plain) return plain;
  }
  return chain.map((s) => (s as { description?: string }).description).find(Boolean);
}

const EXPECTATION = /^(an? |one of |true or false|"|at least |any of )/;

function metaOf(schema: z.ZodType): unknown {
  return (schema as unknown as { meta?: () => unknown }).meta?.();
}

function plainExpected(schema: z.ZodType): string | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'number':
    case 'int':
      return numberText(schema);
    case 'union':
      return undefined;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'array': {
      const item = def.element ? expectedText(def.element) : undefined;
      return item ? `a list (each item ${item})` : 'a list';
    }
    case 'object':
      return 'a mapping of keys to values';
    default:
      return undefined;
  }
}

// "a whole number from 1 to 256": the number's own bounds, as zod reports them.
function numberText(schema: z.ZodType): string {
  const n = schema as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
  const noun = n.isInt ? 'a whole number' : 'a number';
  const min = n.minValue !== null && Math.abs(n.minValue) < Number.MAX_SAFE_INTEGER ? n.minValue : undefined;
  const max = n.maxValue !== null && Math.abs(n.maxValue) < Number.MAX_SAFE_INTEGER ? n.maxValue : undefined;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}
