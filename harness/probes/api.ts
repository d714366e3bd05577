import { leader } from './leader.js';
import { readAvailability } from './read-availability.js';
import { redundancy, replicationLag } from './replication.js';
import type { Probe, ProbeName } from './types.js';
import { writeAvailability } from './write-availability.js';

// Every probe a steady state or the drill monitor can run.
export const PROBE_IMPLEMENTATIONS: Readonly<Record<ProbeName, Probe>> = {
  'write-availability': writeAvailability,
  'read-availability': readAvailability,
  leader,
  'replication-lag': replicationLag,
  redundancy,
};
