import { describe, expect, it } from 'vitest';
import { createFakeBackend, fakeBackend } from '../../../../harness/backends/fake/index.js';
import type { ConnectedBackend, RunContext } from '../../../../harness/backends/types.js';
import { MemoryJournal } from '../../../../harness/testing/memory-journal.js';
import { ACTION_TYPES } from '../../../../harness/actions/types.js';
import { type FaultHandle } from '../../../../harness/faults/types.js';
import { FAULT_TYPES, type FaultType } from '../../../../harness/model/fault.js';
import { fakeTarget } from '../../../helpers/plan-builder.js';
import { testInjectContext } from '../../../../harness/testing/inject-context.js';

function context(journal = new MemoryJournal()): RunContext {
  return { runId: 'r1', runDir: '/tmp/r1', journal, signal: new AbortController().signal, log: () => {} };
}

async function inject(connected: ConnectedBackend, journal: MemoryJournal, faultId: string, type: FaultType, params: Record<string, unknown> = {}): Promise<FaultHandle> {
  const injector = connected.injector(type);
  const faultPlan = injector.plan(params, await connected.topology());
  return injector.inject(faultPlan, testInjectContext({ runId: 'r1', faultId, journal, signal: new AbortController().signal }));
}

function roles(topology: Awaited<ReturnType<ConnectedBackend['topology']>>): Record<string, string> {
  return Object.fromEntries(topology.zones.flatMap((z) => z.nodes.map((n) => [n.name, n.members.find((m) => m.kind === 'postgresql')!.role])));
}

describe('fake backend', () => {
  it('declares every fault type and action', () => {
    expect([...fakeBackend.faults].sort()).toEqual([...FAULT_TYPES].sort());
    expect([...fakeBackend.actions].sort()).toEqual([...ACTION_TYPES].sort());
    expect(fakeBackend.kind).toBe('fake');
  });

  it('builds one node per zone, the first one primary', async () => {
    const { backend } = createFakeBackend();
    const connected = await backend.connect(fakeTarget({ zones: ['x', 'y'] }), context());
    const topology = await connected.topology();
    expect(topology.zones.map((z) => [z.name, z.nodes.map((n) => n.name)])).toEqual([
      ['x', ['x-1']],
      ['y', ['y-1']],
    ]);
    expect(roles(topology)).toEqual({ 'x-1': 'primary', 'y-1': 'replica' });
  });

  it('crashes the primary, promotes another node, and heals on revert', async () => {
    const { backend, state } = createFakeBackend();
    const journal = new MemoryJournal();
    const connected = await backend.connect(fakeTarget(), context(journal));
    const handle = await inject(connected, journal, 's1', 'primary-crash');

    expect(roles(await connected.topology())).toEqual({ 'a-1': 'down', 'b-1': 'primary', 'c-1': 'replica' });
    expect(await connected.check('service-restored', context())).toMatchObject({ met: true });
    expect(await connected.check('redundancy-restored', context())).toMatchObject({ met: false });

    await handle.revert();
    await handle.revert();
    expect(handle.reverted).toBe(true);
    expect(roles(await connected.topology())).toEqual({ 'a-1': 'replica', 'b-1': 'primary', 'c-1': 'replica' });
    expect(state.healthy()).toBe(true);
    expect(state.events.map((e) => e.op)).toEqual(['connect', 'armed-journalled', 'harm', 'promote', 'check', 'check', 'heal']);
  });

  it('journals the revert record before any state changes', async () => {
    const { backend, state } = createFakeBackend();
    const seen: boolean[] = [];
    const journal = new MemoryJournal();
    const spying = Object.assign(Object.create(journal) as MemoryJournal, {
      append: async (entry: Parameters<MemoryJournal['append']>[0]) => {
        seen.push(state.healthy());
        await journal.append(entry);
      },
    });
    const connected = await backend.connect(fakeTarget(), context());
    await inject(connected, spying, 's1', 'zone-outage', { zone: 'b' });
    // The revert record while nothing is harmed yet; t0 (fault-effective) once the harm is done.
    expect(seen).toEqual([true, false]);
    expect(journal.entries.map((e) => e.kind)).toEqual(['fault-armed', 'fault-effective']);
    expect(journal.entries[0]).toMatchObject({ kind: 'fault-armed', fault: 's1', revert: { data: { effect: 'down', nodes: ['b-1'] } } });
    expect(state.healthy()).toBe(false);
  });

  it('loses no primary when nothing is up, and elects one when a node returns', async () => {
    const { backend, state } = createFakeBackend();
    const journal = new MemoryJournal();
    const connected = await backend.connect(fakeTarget(), context(journal));
    const loss = await inject(connected, journal, 's1', 'cluster-loss');
    expect(state.primary).toBeUndefined();
    expect(await connected.check('leader-elected', context())).toMatchObject({ met: false });
    await loss.revert();
    expect(state.primary).toBe('a-1');
  });

  it('reverts from the record alone, on a later connection, idempotently', async () => {
    const { backend, state } = createFakeBackend();
    const journal = new MemoryJournal();
    const first = await backend.connect(fakeTarget(), context(journal));
    const handle = await inject(first, journal, 's1', 'etcd-member-kill', { node: 'c-1' });
    expect(state.nodes.get('c-1')!.etcdDownBy.size).toBe(1);

    const later = await backend.connect(fakeTarget(), context());
    const record = JSON.parse(JSON.stringify(handle.revertRecord)) as typeof handle.revertRecord;
    await later.revertFromRecord(record);
    await later.revertFromRecord(record);
    expect(state.healthy()).toBe(true);
    await expect(later.revertFromRecord({ ...record, backend: 'local' })).rejects.toThrow(/cannot revert a "local" record/);
  });

  it('keeps overlapping faults apart: a node is up only when every fault on it is reverted', async () => {
    const { backend, state } = createFakeBackend();
    const journal = new MemoryJournal();
    const connected = await backend.connect(fakeTarget(), context(journal));
    const zone = await inject(connected, journal, 's1', 'zone-outage', { zone: 'b' });
    const node = await inject(connected, journal, 's2', 'node-crash', { node: 'b-1' });
    await zone.revert();
    expect(state.nodes.get('b-1')!.downBy).toEqual(new Set(['s2']));
    await node.revert();
    expect(state.healthy()).toBe(true);
  });

  it('fails injection on purpose for steps a test names, before any harm', async () => {
    const { backend, state } = createFakeBackend();
    state.failInject.add('boom');
    const journal = new MemoryJournal();
    const connected = await backend.connect(fakeTarget(), context(journal));
    await expect(inject(connected, journal, 's3-boom', 'node-crash', { node: 'a-1' })).rejects.toThrow(/failInject/);
    await expect(inject(connected, journal, 's4-boomer', 'node-crash', { node: 'a-1' })).resolves.toBeDefined();
    expect(state.events.filter((e) => e.op === 'inject-refused')).toEqual([{ op: 'inject-refused', fault: 's3-boom' }]);
    // It failed after the harm: the record and t0 are on record, so the engine reverts it.
    expect(journal.entries.map((e) => 'fault' in e && `${e.kind} ${e.fault}`)).toEqual(['fault-armed s4-boomer', 'fault-effective s4-boomer']);
  });

  it('follows a scripted wait condition, then the state', async () => {
    const { backend, state } = createFakeBackend();
    const connected = await backend.connect(fakeTarget(), context());
    state.script.set('service-restored', [false]);
    expect((await connected.check('service-restored', context())).met).toBe(false);
    expect((await connected.check('service-restored', context())).met).toBe(true);
  });

  it('records actions, and fails over to a node that is up', async () => {
    const { backend, state } = createFakeBackend();
    const connected = await backend.connect(fakeTarget(), context());
    const out = await connected.act('switchover', { candidate: 'b-1' }, context());
    expect(out).toEqual({ type: 'switchover', primary: 'b-1' });
    expect(state.events.filter((e) => e.op === 'act')).toEqual([{ op: 'act', type: 'switchover', params: { candidate: 'b-1' } }]);
  });

  it('gives the registry backend a fresh cluster on every connect', async () => {
    const journal = new MemoryJournal();
    const one = await fakeBackend.connect(fakeTarget(), context(journal));
    await inject(one, journal, 's1', 'cluster-loss');
    const two = await fakeBackend.connect(fakeTarget(), context());
    expect(Object.values(roles(await two.topology()))).toEqual(['primary', 'replica', 'replica']);
    expect(Object.values(roles(await one.topology()))).toEqual(['down', 'down', 'down']);
  });

  it('refuses a target of another backend and an unknown node', async () => {
    const { backend } = createFakeBackend();
    await expect(backend.connect({ backend: 'kubernetes' } as never, context())).rejects.toThrow(/cannot connect to a "kubernetes" target/);
    const connected = await backend.connect(fakeTarget(), context());
    expect(() => connected.injector('node-crash').plan({ node: 'z-9' }, { zones: [] })).toThrow(/no node z-9/);
  });
});
