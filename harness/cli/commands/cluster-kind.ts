import { kindClusterPlan, CHAOS_MESH_VERSION } from '../../backends/kubernetes/kind/plan.js';
import { fixtureObjects } from '../../backends/kubernetes/kind/plan.js';
import { defaultKindEnv, kindClusterDown, kindClusterUp, type KindEnv } from '../../backends/kubernetes/kind/up.js';
import { readClusterView } from '../../backends/kubernetes/cluster-view.js';
import { generatePasswords, PATRONI_PORT, podSelectorLabels, ROLE_LABEL } from '../../backends/kubernetes/objects/postgres/index.js';
import { renderManifests } from '../../backends/kubernetes/objects/render.js';
import { formatDuration } from '../../model/duration.js';
import { ExitCode } from '../exit-codes.js';
import { progressLogger, type Output } from '../output.js';

export interface KindClusterOpts {
  ha?: boolean;
  synchronous?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

// `kdrill cluster up|down|status --backend kind`.
export async function kindClusterCommand(verb: 'up' | 'down' | 'status', opts: KindClusterOpts, output: Output, env: KindEnv = defaultKindEnv(progressLogger(output))): Promise<number> {
  const plan = kindClusterPlan({ ha: opts.ha === true, synchronous: opts.synchronous === true });
  if (verb === 'up' && opts.dryRun) {
    output.out(`# kdrill cluster up --backend kind${opts.ha ? ' --ha' : ''}: what it would run and create (nothing was touched)`);
    for (const argv of [plan.commands.clearBackups, plan.commands.create, plan.commands.build, plan.commands.load, ...plan.commands.chaosMesh]) output.out(`# $ ${argv.join(' ')}`);
    output.out(`# then, in context ${plan.context} (Chaos Mesh ${CHAOS_MESH_VERSION} in chaos-mesh), server-side apply as field manager kdrill, and \`pgbackrest --stanza=kdrill stanza-create\` in the leader:`);
    output.out(renderManifests(fixtureObjects(plan, generatePasswords())));
    return ExitCode.passed;
  }
  if (verb === 'up') {
    const up = await kindClusterUp(plan, env);
    output.out(`kind cluster ${plan.cluster.name} is up in ${formatDuration(up.tookMs)} (context ${plan.context}); ${up.primary} leads`);
    output.out(`  read-write 127.0.0.1:5432   read-only 127.0.0.1:5433   (NodePorts 30432, 30433)`);
    return ExitCode.passed;
  }
  if (verb === 'down') {
    const removed = await kindClusterDown(plan, env);
    output.out(removed ? `kind cluster ${plan.cluster.name} deleted` : `no kind cluster ${plan.cluster.name} to delete`);
    return ExitCode.passed;
  }
  const view = await readClusterView(env.client(plan.context), { namespace: plan.fixture.namespace, statefulSet: plan.fixture.name, podLabels: podSelectorLabels(plan.fixture), roleLabel: ROLE_LABEL, patroniPort: PATRONI_PORT });
  if (opts.json) {
    output.out(JSON.stringify({ context: plan.context, nodes: view.nodes, pods: view.pods }, null, 2));
    return ExitCode.passed;
  }
  output.out(`kind cluster ${plan.cluster.name} (context ${plan.context}), StatefulSet ${plan.fixture.namespace}/${plan.fixture.name}`);
  output.out(`  ${'pod'.padEnd(12)}${'node'.padEnd(22)}${'zone'.padEnd(15)}${'role'.padEnd(9)}${'ready'.padEnd(7)}volume bound to`);
  for (const pod of view.pods) {
    const zone = view.nodes.find((n) => n.name === pod.node)?.zone ?? '-';
    output.out(`  ${pod.name.padEnd(12)}${(pod.node ?? '-').padEnd(22)}${zone.padEnd(15)}${pod.role.padEnd(9)}${(pod.ready ? 'yes' : 'no').padEnd(7)}${pod.claim?.boundNode ?? '-'}`);
  }
  return ExitCode.passed;
}
