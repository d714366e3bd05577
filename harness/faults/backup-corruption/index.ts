import type { FaultDefinition } from '../types.js';
import { BackupCorruptionParams } from './schema.js';

export const backupCorruption: FaultDefinition<typeof BackupCorruptionParams> = {
  type: 'backup-corruption',
  summary: 'One file of a backup in the repository damaged on purpose (bit rot, a bad disk); revert puts the original bytes back.',
  category: 'data',
  needsNetwork: false,
  params: BackupCorruptionParams,
  describe: (p) => `damage ${p.bytes} bytes of the largest file of the ${p.backup} backup in the repository`,
};
