import { describe, expect, it } from 'vitest';
import { restorePointOf } from '../../../harness/journal/restore-point.js';
import { monoTimeAt, wallTimeAt } from '../../../harness/journal/wall-clock.js';
import type { JournalEntry } from '../../../harness/journal/entries.js';
import { plan } from '../../helpers/plan-builder.js';

const start: JournalEntry = { kind: 'run-start', at: 5, wall: '2030-01-01T00:00:00.000Z', runId: 'r', plan: plan().build(), kdrillVersion: '1' };
const armed = (at: number, fault: string): JournalEntry => ({ kind: 'fault-armed', at, fault, step: fault.split('-')[0]!, revert: { backend: 'local', type: 'node-crash', faultId: fault, runId: 'r', data: {} } });

describe('restorePointOf', () => {
  it('restores the latest backup unless told a point in time', () => {
    expect(restorePointOf({ from: 'latest' }, [start])).toEqual({ kind: 'latest' });
  });

  it('puts "before-fault" at the moment the latest fault was armed, on the wall clock of the run', () => {
    const point = restorePointOf({ from: 'point-in-time', pointInTime: 'before-fault' }, [start, armed(1_005, 's1-a'), armed(2_505, 's2-b')]);
    expect(point).toEqual({ kind: 'time', time: new Date('2030-01-01T00:00:02.500Z'), basis: 'just before fault s2-b was injected' });
    expect(wallTimeAt([start], 5)).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(monoTimeAt([start], new Date('2030-01-01T00:00:02.500Z'))).toBe(2_505);
  });

  it('takes an ISO 8601 timestamp as it is', () => {
    expect(restorePointOf({ from: 'point-in-time', pointInTime: '2030-01-01T01:00:00+01:00' }, [start])).toMatchObject({ kind: 'time', time: new Date('2030-01-01T00:00:00Z') });
  });

  it('refuses "before-fault" when no fault was injected', () => {
    expect(() => restorePointOf({ from: 'point-in-time', pointInTime: 'before-fault' }, [start])).toThrow('restore to "before-fault": no fault was injected before this step');
  });
});
