import { z } from 'zod';

// A union whose branch is chosen by looking at the input (which key is present), so that a
// validation error speaks about the branch the author meant instead of listing every branch.
export interface Branch {
  readonly label: string;
  readonly when: (input: unknown) => boolean;
  readonly schema: z.ZodType;
}

export interface UnionSelector {
  readonly branches: readonly Branch[];
  readonly expected: string;
  // When the branch is named by the value of one key (`backend: local`), errors point at that key.
  readonly tagKey?: string;
  // When the branch is named by which key is present (`fault:`, `wait:`), the keys to suggest.
  readonly presenceKeys?: readonly string[];
}

const selectors = new WeakMap<z.ZodType, UnionSelector>();

export function taggedUnion<const B extends readonly [Branch, Branch, ...Branch[]]>(
  branches: B,
  expected: string,
  hints: { tagKey?: string; presenceKeys?: readonly string[] } = {},
): z.ZodUnion<{ -readonly [K in keyof B]: B[K]['schema'] }> {
  const union = z.union(branches.map((b) => b.schema) as unknown as [z.ZodType, z.ZodType]).describe(expected);
  selectors.set(union, { branches, expected, ...hints });
  return union as never;
}

export function unionSelector(union: z.ZodType): UnionSelector | undefined {
  return selectors.get(union);
}

export const hasKey = (key: string) => (input: unknown) =>
  typeof input === 'object' && input !== null && !Array.isArray(input) && key in input;

export const tagIs = (key: string, value: string) => (input: unknown) =>
  hasKey(key)(input) && (input as Record<string, unknown>)[key] === value;
