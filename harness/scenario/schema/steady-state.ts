import { z } from 'zod';
import { durationSchema, positiveWaitDuration } from '../../model/duration-schema.js';

export const PROBES = ['write-availability', 'read-availability', 'leader', 'replication-lag', 'redundancy'] as const;

export const probeCheckSchema = z.strictObject({
  probe: z.enum(PROBES).describe('write-availability, read-availability, leader, replication-lag or redundancy'),
  within: positiveWaitDuration.default(30_000).describe('how long the probe may take to hold, like "30s"'),
  maxLag: durationSchema.optional().describe('for replication-lag: the largest acceptable lag, like "5s"'),
  replicas: z.number().int().min(0).optional().describe('for redundancy: how many replicas must be streaming'),
});

export const steadyStateSchema = z.strictObject({
  interval: positiveWaitDuration.default(500).describe('how often availability probes run during the drill, like "250ms"'),
  stabilityWindow: positiveWaitDuration.default(3_000).describe('how long writes must succeed for service to count as restored, like "3s"'),
  before: z.array(probeCheckSchema).default([]).describe('probes that must hold before any fault'),
  after: z.array(probeCheckSchema).default([]).describe('probes that must hold after every fault is reverted'),
});
export type SteadyStateSpec = z.infer<typeof steadyStateSchema>;
