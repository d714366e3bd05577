import { describe, expect, it } from 'vitest';
import { droppedFields } from '../../../../../harness/backends/kubernetes/client/dropped-fields.js';

describe('droppedFields (what the API server pruned or changed of what kdrill sent)', () => {
  const sent = { action: 'delay', direction: 'both', delay: { latency: '150ms', jitter: '0ms' }, selector: { pods: { 'kdrill-pg': ['postgres-0', 'postgres-1'] } }, externalTargets: ['198.18.0.2'] };

  it('finds nothing when the server kept everything, whatever defaults it added', () => {
    expect(droppedFields(sent, { ...structuredClone(sent), mode: 'all', delay: { ...sent.delay, correlation: '0' } }, 'spec')).toEqual([]);
  });

  it('names each pruned field, nested and in lists, and each changed value', () => {
    const stored = { action: 'delay', delay: { latency: '150ms' }, selector: { pods: { 'kdrill-pg': ['postgres-0'] } }, externalTargets: '198.18.0.2' };
    expect(droppedFields(sent, stored, 'spec')).toEqual(['spec.direction', 'spec.delay.jitter', 'spec.selector.pods.kdrill-pg[1]', 'spec.externalTargets']);
    expect(droppedFields({ loss: 10 }, { loss: '10' }, 'spec')).toEqual(['spec.loss']);
    expect(droppedFields({ a: 1 }, undefined, 'spec')).toEqual(['spec']);
  });
});
