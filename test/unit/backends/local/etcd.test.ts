import { describe, expect, it } from 'vitest';
import { missingPatroniState } from '../../../../harness/backends/local/etcd/patroni-keys.js';

describe("Patroni's state in etcd", () => {
  it('is whole with a leader, its initialisation, its configuration and every member', () => {
    const members = ['a-1', 'b-1'];
    expect(missingPatroniState(['config', 'initialize', 'leader', 'members/a-1', 'members/b-1', 'status'], members)).toEqual([]);
    expect(missingPatroniState(['config', 'members/a-1'], members)).toEqual(['leader', 'initialize', 'members/b-1']);
    expect(missingPatroniState([], [])).toEqual(['leader', 'initialize', 'config']);
  });
});
