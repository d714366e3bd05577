export const BACKEND_KINDS = ['local', 'kubernetes', 'fake'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export type MemberRole = 'primary' | 'replica' | 'unknown' | 'down';

export interface Member {
  readonly name: string;
  readonly role: MemberRole;
  readonly kind: 'postgresql' | 'etcd';
  readonly timeline?: number;
  readonly lagBytes?: number;
}

export interface TopologyNode {
  readonly name: string;
  readonly zone: string;
  readonly address?: string;
  readonly members: readonly Member[];
}

// Zones → nodes → database members with their roles, as the backend sees them now.
export interface Topology {
  readonly zones: readonly { readonly name: string; readonly nodes: readonly TopologyNode[] }[];
}
