import type { FaultDefinition } from '../types.js';
import { IoFaultParams } from './schema.js';

export const ioFault: FaultDefinition<typeof IoFaultParams> = {
  type: 'io-fault',
  summary: 'File-system operations under a path in one pod failed with an errno (Chaos Mesh IOChaos fault); revert stops the errors.',
  category: 'resource',
  needsNetwork: false,
  params: IoFaultParams,
  describe: (p) => `fail ${p.percent}% of I/O under ${p.path} in pod ${p.pod} with errno ${p.errno}`,
};
