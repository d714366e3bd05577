import { z } from 'zod';
import { waitDuration } from '../../model/duration-schema.js';
import { dnsLabel } from '../../model/names.js';
import { tagIs, taggedUnion } from './tagged-union.js';

export const PRIVILEGE_MODES = ['auto', 'root', 'userns', 'loopback'] as const;

const patroniTiming = z.strictObject({
  profile: z.enum(['fast', 'default']).default('default').describe('"fast" (ttl 10, loop_wait 2, retry_timeout 4) or "default" (30, 10, 10)'),
  ttl: z.number().int().min(5).optional().describe('Patroni ttl in seconds'),
  loopWait: z.number().int().min(1).optional().describe('Patroni loop_wait in seconds'),
  retryTimeout: z.number().int().min(1).optional().describe('Patroni retry_timeout in seconds'),
});

export const localTargetSchema = z.strictObject({
  backend: z.literal('local'),
  topology: z.string().min(1).default('fixtures/topologies/three-zones.yaml').describe('a topology file (zones and nodes per zone)'),
  dcs: z.enum(['etcd', 'etcd3']).default('etcd').describe('Patroni DCS protocol: "etcd" (v2 API, the safe default) or "etcd3" (Debian Patroni 3.0.2 has a split-brain defect with it)'),
  privilege: z.enum(PRIVILEGE_MODES).default('auto').describe('how namespaces are made: auto, root, userns or loopback (process faults only)'),
  patroni: patroniTiming.default({ profile: 'default' }),
  keep: z.boolean().default(false).describe('keep the cluster running after the drill (it is always torn down on failure)'),
});

export const kubernetesTargetSchema = z.strictObject({
  backend: z.literal('kubernetes'),
  context: z.string().min(1).describe('the kube context to use, like "kind-kdrill"'),
  namespace: dnsLabel.describe('the namespace of the workload, like "kdrill-pg"'),
  allowedContexts: z.array(z.string().min(1)).min(1).describe('kube contexts this scenario may touch; anything else is refused'),
  allowedNamespaces: z.array(dnsLabel).min(1).describe('namespaces this scenario may touch; anything else is refused'),
  provider: z.enum(['kind', 'generic']).default('generic').describe('"kind" (node faults through the node containers) or "generic"'),
  statefulSet: dnsLabel.default('postgres').describe('the PostgreSQL StatefulSet to drill'),
  chaosMeshNamespace: dnsLabel.default('chaos-mesh').describe('where Chaos Mesh runs'),
  nodeFailureCompletion: z
    .enum(['none', 'out-of-service-taint', 'delete-node'])
    .default('none')
    .describe('how a node failure completes: "none" (wait for eviction), "out-of-service-taint" or "delete-node"'),
  podEvictionTimeout: waitDuration.optional().describe('how long to wait for pods of a failed node to be evicted'),
  roleLabel: z.string().min(1).default('role').describe("the pod label holding each member's role (Patroni's Kubernetes DCS writes `role`); pods without it are asked through Patroni's REST API"),
  readWriteService: dnsLabel.optional().describe('the read-write Service inside the cluster (an in-cluster load connects to it); default the StatefulSet\'s name'),
  container: z.string().min(1).default('postgres').describe('the container of each pod that runs PostgreSQL (and pgBackRest)'),
  backupStanza: z.string().min(1).default('kdrill').describe("the pgBackRest stanza the pods' configuration names"),
  patroniPort: z.number().int().min(1).max(65535).default(8008).describe("Patroni's REST API port in the pods, asked through the API server's pod proxy"),
  nodeCommands: z
    .strictObject({
      stop: z.array(z.string().min(1)).min(1).describe('the command that stops a node, "{node}" standing for its name, like ["aws", "ec2", "stop-instances", "--force", "--instance-ids", "{node}"]'),
      start: z.array(z.string().min(1)).min(1).describe('the command that starts it again'),
    })
    .optional()
    .describe('how node-crash and zone-outage stop and start a node outside kind (a cloud CLI); without it only kind nodes can be stopped'),
  access: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('the host name or address kdrill reaches PostgreSQL at'),
      readWritePort: z.number().int().min(1).max(65535).default(5432).describe('the port of the read-write Service as seen from kdrill'),
      readOnlyPort: z.number().int().min(1).max(65535).default(5433).describe('the port of the read-only Service as seen from kdrill'),
      restorePort: z.number().int().min(1).max(65535).default(5434).describe('the port of a restored scratch instance as seen from kdrill'),
    })
    .default({ host: '127.0.0.1', readWritePort: 5432, readOnlyPort: 5433, restorePort: 5434 })
    .describe("where kdrill reaches the database from outside the cluster (kind maps NodePorts 30432/30433 to 127.0.0.1:5432/5433, and 30434-30437 to 5434-5437 for restored instances)"),
  passwordSecret: z
    .strictObject({
      name: dnsLabel.optional().describe('the Secret holding the superuser password; default "<statefulSet>-passwords"'),
      key: z.string().min(1).default('superuser-password').describe('the key of the password in that Secret'),
      user: z.string().min(1).default('postgres').describe('the database user kdrill connects as'),
    })
    .default({ key: 'superuser-password', user: 'postgres' })
    .describe('where the database password is read from (it is never logged)'),
});

export const fakeTargetSchema = z.strictObject({
  backend: z.literal('fake'),
  zones: z.array(dnsLabel).min(1).default(['a', 'b', 'c']).describe('zone names of the in-memory cluster'),
});

export const targetSchema = taggedUnion(
  [
    { label: 'local', when: tagIs('backend', 'local'), schema: localTargetSchema },
    { label: 'kubernetes', when: tagIs('backend', 'kubernetes'), schema: kubernetesTargetSchema },
    { label: 'fake', when: tagIs('backend', 'fake'), schema: fakeTargetSchema },
  ],
  'a target with `backend` set to "local", "kubernetes" or "fake"',
  { tagKey: 'backend' },
);
export type TargetSpec = z.infer<typeof targetSchema>;
