import path from 'node:path';
import { REPO_ROOT } from './cli.js';

const TOPOLOGY = path.join(REPO_ROOT, 'fixtures/topologies/three-zones.yaml');

export interface LocalDrill {
  readonly name: string;
  readonly tier: string;
  readonly steps: string; // YAML list items, indented two spaces
  readonly dcs?: 'etcd' | 'etcd3';
  readonly load?: string; // a flow mapping; default: the ledger at 200 writes/s
  readonly steadyState?: string; // the block's lines, indented two spaces
  readonly rest?: string; // top-level sections after the steps (verifications, abort)
}

// A scenario on the local backend (three zones, the fast Patroni profile) for end-to-end tests.
export function localDrillYaml(d: LocalDrill): string {
  return [
    'apiVersion: kdrill.dev/v1alpha1',
    'kind: Scenario',
    'metadata:',
    `  name: ${d.name}`,
    'tier:',
    `  name: ${d.tier}`,
    'target:',
    '  backend: local',
    `  topology: ${TOPOLOGY}`,
    ...(d.dcs ? [`  dcs: ${d.dcs}`] : []),
    '  patroni:',
    '    profile: fast',
    `load: ${d.load ?? '{ driver: ledger, rate: 200, concurrency: 4, warmUp: 3s }'}`,
    ...(d.steadyState ? ['steadyState:', d.steadyState] : []),
    'steps:',
    d.steps,
    d.rest ?? '',
  ].join('\n');
}
