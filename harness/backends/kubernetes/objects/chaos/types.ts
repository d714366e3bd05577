import type { KubeObject } from '../../client/types.js';

export const CHAOS_API_VERSION = 'chaos-mesh.org/v1alpha1';

// Chaos Mesh's PodSelectorSpec, the parts kdrill uses. Every selector kdrill writes names its
// namespace, so a chaos object can never reach beyond the allow-listed namespace.
export interface ChaosSelector {
  readonly namespaces: readonly string[];
  readonly labelSelectors?: Readonly<Record<string, string>>;
  readonly pods?: Readonly<Record<string, readonly string[]>>;
  readonly nodes?: readonly string[];
  readonly nodeSelectors?: Readonly<Record<string, string>>;
}

// Where and under which labels a chaos object is created.
export interface ChaosMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type ChaosObject = KubeObject & { spec: Record<string, unknown> };

export function chaosObject(kind: string, meta: ChaosMeta, spec: Record<string, unknown>): ChaosObject {
  return { apiVersion: CHAOS_API_VERSION, kind, metadata: { name: meta.name, namespace: meta.namespace, labels: { ...meta.labels } }, spec };
}

// Chaos Mesh parses durations with Go's time.ParseDuration: whole milliseconds always parse.
export function goDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

export function selectorSpec(selector: ChaosSelector): Record<string, unknown> {
  return JSON.parse(JSON.stringify(selector)) as Record<string, unknown>;
}
