import { BackendUnavailableError } from '../../common/errors.js';
import type { Output } from '../output.js';

// Backend lifecycle. The local backend's cluster lands with issue 3 and kind's with issue 7;
// until then this says so plainly instead of pretending.
export async function clusterCommand(verb: 'up' | 'down' | 'status', opts: { backend: string; topology?: string }, _output: Output): Promise<number> {
  const later = opts.backend === 'kind' ? 'the Kubernetes backend (issue 7)' : 'the embedded local backend (issue 3)';
  throw new BackendUnavailableError(`kdrill cluster ${verb} --backend ${opts.backend} is not available in this version`, [
    { strategy: opts.backend, reason: `its cluster lifecycle arrives with ${later}` },
  ], { hint: 'Scenarios can already be validated and planned: kdrill validate, kdrill plan.' });
}
