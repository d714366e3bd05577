import { z } from 'zod';
import { DNS_LABEL } from '../model/names.js';
import { formatDuration } from '../model/duration.js';
import { positiveDuration } from '../model/duration-schema.js';
import type { ActionDefinition, ActionType } from './types.js';

const nodeName = z.string().regex(DNS_LABEL).describe('a node name from the topology (like "b-1")');

const failover: ActionDefinition = {
  type: 'failover',
  summary: 'Promote a replica now, without the primary taking part (patronictl failover).',
  params: z.strictObject({ to: nodeName.optional() }),
  describe: (p) => `fail over to ${p['to'] ?? 'the healthiest replica'}`,
};

const switchover: ActionDefinition = {
  type: 'switchover',
  summary: 'Planned hand-over of the primary role to a replica (patronictl switchover).',
  params: z.strictObject({ to: nodeName.optional() }),
  describe: (p) => `switch over to ${p['to'] ?? 'the healthiest replica'}`,
};

const backup: ActionDefinition = {
  type: 'backup',
  summary: 'Take a backup into the backup repository (pgBackRest on the local backend).',
  params: z.strictObject({
    type: z.enum(['full', 'diff', 'incr']).default('full').describe('"full", "diff" (differential) or "incr" (incremental)'),
    every: positiveDuration.optional().describe('repeat at this interval of drill time, like "5m"'),
  }),
  describe: (p) => `take ${p['type'] === 'incr' ? 'an' : 'a'} ${p['type']} backup${typeof p['every'] === 'number' ? `, then every ${formatDuration(p['every'])} of drill time` : ''}`,
};

const restore: ActionDefinition = {
  type: 'restore',
  summary: 'Restore a backup into a fresh target, never over the running cluster, then verify it.',
  params: z.strictObject({
    from: z.enum(['latest', 'point-in-time']).default('latest').describe('"latest" backup or "point-in-time"'),
    pointInTime: z
      .union([z.literal('before-fault'), z.iso.datetime({ offset: true })])
      .optional()
      .describe('"before-fault" or an ISO 8601 timestamp; needed when from is "point-in-time"'),
    into: z.enum(['scratch-instance', 'fresh-cluster']).default('scratch-instance').describe('"scratch-instance" (one new node) or "fresh-cluster" (the whole topology in fresh namespaces)'),
  }),
  describe: (p) => `restore ${p['from'] === 'latest' ? 'the latest backup' : `to ${String(p['pointInTime'])}`} into a ${p['into'] === 'fresh-cluster' ? 'fresh cluster' : 'scratch instance'}`,
};

const etcdSnapshot: ActionDefinition = {
  type: 'etcd-snapshot',
  summary: 'Save an etcd snapshot (etcdctl snapshot save).',
  params: z.strictObject({ every: positiveDuration.optional().describe('repeat at this interval of drill time, like "5m"') }),
  describe: (p) => `save an etcd snapshot${typeof p['every'] === 'number' ? `, then every ${formatDuration(p['every'])} of drill time` : ''}`,
};

const etcdRestore: ActionDefinition = {
  type: 'etcd-restore',
  summary: 'Rebuild the etcd cluster from its latest snapshot and restart its members.',
  params: z.strictObject({ snapshot: z.literal('latest').default('latest').describe('"latest"') }),
  describe: () => 'restore etcd from its latest snapshot',
};

// Explicit registry: the folder of an action and its key here must agree.
export const ACTIONS: ReadonlyMap<ActionType, ActionDefinition> = new Map(
  [failover, switchover, backup, restore, etcdSnapshot, etcdRestore].map((a) => [a.type, a]),
);
