import { z } from 'zod';
import { DNS_LABEL } from '../model/names.js';

// Where a fault lands: a name from the topology, or a role resolved when the fault starts.
export const ROLE_SELECTORS = ['primary', 'replica'] as const;


export const nodeSelector = z
  .string()
  .regex(DNS_LABEL)
  .meta({ expected: 'a node name from the topology (like "a-1"), or "primary" / "replica" for the node holding that role' });

export const zoneSelector = z
  .string()
  .regex(DNS_LABEL)
  .meta({ expected: 'a zone name from the topology (like "a"), or "primary" for the zone of the current primary' });

export const podSelector = z
  .string()
  .regex(DNS_LABEL)
  .meta({ expected: 'a pod name of the workload, or "primary" / "replica" for the pod holding that role' });

export const percent = z.number().min(0).max(100).meta({ expected: 'a percentage from 0 to 100' });
