import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { PG_PORT } from '../objects/postgres/options.js';
import type { KubeObject } from '../client/types.js';

export interface ScratchPodOptions {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  // The StatefulSet's pod template and claim templates: the scratch pod runs the same image
  // with the same configuration and repository, on an empty data volume of its own.
  readonly template: IPodTemplateSpec;
  readonly claimNames: readonly string[];
  readonly container: string;
  readonly stanza: string;
  // pgBackRest's restore arguments, its data directory first (--pg1-path=…).
  readonly restoreArgs: readonly string[];
  readonly dataDir: string;
  readonly nodePort?: number;
}

// The label naming a scratch instance on its pod and Service (the Service selects by it).
export const RESTORE_LABEL = 'kdrill.dev/restore';

// One argument for sh -c, whatever it holds (a recovery target has a space).
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

// Where the template mounts its data claim: the scratch pod mounts an emptyDir there.
export function dataMountOf(template: IPodTemplateSpec, container: string, claimNames: readonly string[]): { volume: string; mountPath: string } {
  const mounts = template.spec?.containers.find((c) => c.name === container)?.volumeMounts ?? [];
  const mount = mounts.find((m) => claimNames.includes(m.name));
  if (!mount) throw new KdrillError(ErrorCode.STEP_FAILED, `container ${container} mounts none of the StatefulSet's volume claims (${claimNames.join(', ') || 'none'}): kdrill cannot tell where its data lives`);
  return { volume: mount.name, mountPath: mount.mountPath };
}

// What a scratch pod takes from the StatefulSet: its pod template, the names of its volume
// claims, and the data directory the container's claim holds.
export function scratchLayout(statefulSet: KubeObject, container: string): { template: IPodTemplateSpec; claimNames: string[]; dataDir: string } {
  const spec = statefulSet.spec as { template: IPodTemplateSpec; volumeClaimTemplates?: { metadata?: { name?: string } }[] };
  const claimNames = (spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name ?? '').filter(Boolean);
  return { template: spec.template, claimNames, dataDir: `${dataMountOf(spec.template, container, claimNames).mountPath}/pgdata` };
}

// A pod that restores the backup with pgBackRest and then runs PostgreSQL on it (recovery,
// then promotion). It never touches the StatefulSet's volumes; restartPolicy Never, so a
// failed restore leaves the pod Failed with pgBackRest's words in its log.
export function scratchPod(o: ScratchPodOptions): IPod {
  const spec = o.template.spec;
  const source = spec?.containers.find((c) => c.name === o.container);
  if (!spec || !source) throw new KdrillError(ErrorCode.STEP_FAILED, `the StatefulSet's pods have no container ${o.container}`);
  const data = dataMountOf(o.template, o.container, o.claimNames);
  // The data directory is made first, in the empty volume: pgBackRest before 2.35 refuses a
  // --pg1-path that does not exist (2.35 and later make it, and take an empty one of their
  // user's). mkdir runs as the container's user (the template's securityContext, copied
  // below), with the mode PostgreSQL demands (0700).
  // Patroni gives the postmaster its address and port on the command line, not in the
  // configuration the backup carries: a lone instance needs them given again.
  const script = `set -e; mkdir -p -m 0700 ${quote(o.dataDir)}; pgbackrest --stanza=${quote(o.stanza)} ${o.restoreArgs.map(quote).join(' ')}; exec postgres -D ${quote(o.dataDir)} -c listen_addresses='*' -c port=${PG_PORT} -c unix_socket_directories=/tmp`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } },
    spec: {
      restartPolicy: 'Never',
      ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
      ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
      ...(spec.initContainers ? { initContainers: spec.initContainers } : {}),
      containers: [
        {
          name: o.container,
          image: source.image!,
          ...(source.imagePullPolicy ? { imagePullPolicy: source.imagePullPolicy } : {}),
          command: ['sh', '-c', script],
          // pgBackRest's own settings, and nothing of Patroni's: this is a lone instance.
          env: (source.env ?? []).filter((e) => e.name.startsWith('PGBACKREST_')),
          ports: [{ name: 'postgresql', containerPort: PG_PORT, protocol: 'TCP' }],
          readinessProbe: { exec: { command: ['pg_isready', '-h', '/tmp', '-p', String(PG_PORT)] }, periodSeconds: 2, failureThreshold: 3 },
          ...(source.resources ? { resources: source.resources } : {}),
          volumeMounts: source.volumeMounts ?? [],
        },
      ],
      volumes: [...(spec.volumes ?? []).filter((v) => v.name !== data.volume), { name: data.volume, emptyDir: {} }],
    },
  };
}

// How the restored instance is reached: on kind a NodePort the host maps (kind-config.yaml).
export function scratchService(o: Pick<ScratchPodOptions, 'name' | 'namespace' | 'labels' | 'nodePort'>): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } },
    spec: {
      type: o.nodePort ? 'NodePort' : 'ClusterIP',
      selector: { [RESTORE_LABEL]: o.name },
      ports: [{ name: 'postgresql', port: PG_PORT, targetPort: PG_PORT, protocol: 'TCP', ...(o.nodePort ? { nodePort: o.nodePort } : {}) }],
    },
  };
}
