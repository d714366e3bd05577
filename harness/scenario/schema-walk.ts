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
export function expectedText(schema: z.ZodType | undefined): string | undefined {
  let current = schema;
  for (let i = 0; current && i < 20; i++) {
    const description = (current as { description?: string }).description;
    if (description) return description;
    const def = defOf(current);
    if ((WRAPPERS.has(def.type) && def.innerType) || def.type === 'pipe') {
      current = def.innerType ?? def.in;
      continue;
    }
    return plainExpected(def);
  }
  return undefined;
}

function plainExpected(def: Def): string | undefined {
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of keys to values';
    default:
      return undefined;
  }
}
