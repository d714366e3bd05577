import { renderManifests } from '../objects/render.js';
import { fixtureObjects, kindClusterPlan } from './plan.js';

// fixtures/kubernetes/postgres.yaml: the fixture for `kubectl apply`, without the Secret
// (passwords are made per cluster). Kept equal to what `cluster up` applies by a test.
export function fixtureManifest(): string {
  const plan = kindClusterPlan({ ha: false, synchronous: false });
  const objects = fixtureObjects(plan, { superuser: '', replication: '', rewind: '' }).filter((o) => o.kind !== 'Secret');
  const secret = `${plan.fixture.name}-passwords`;
  return [
    '# The PostgreSQL fixture of the kubernetes backend, as `kdrill cluster up --backend kind` applies it.',
    '# Generated from harness/backends/kubernetes/objects/postgres by `npm run fixtures`; do not edit.',
    '# The Secret is not here (passwords are made per cluster): after `kubectl apply -f` of this file, create it;',
    '# the pods wait for it.',
    `#   kubectl -n ${plan.fixture.namespace} create secret generic ${secret} \\`,
    '#     --from-literal=superuser-password=… --from-literal=replication-password=… --from-literal=rewind-password=…',
    `# The image: docker build -t ${plan.fixture.image} fixtures/kubernetes/image`,
    renderManifests(objects),
  ].join('\n');
}
