import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAULTS, faultDefinition } from '../../../harness/faults/api.js';
import { FAULT_TYPES, type FaultType } from '../../../harness/model/fault.js';

const FAULTS_DIR = fileURLToPath(new URL('../../../harness/faults/', import.meta.url));

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

// The smallest valid parameters of each fault: its required fields, as its readme documents them.
const MINIMAL: Record<FaultType, Record<string, unknown>> = {
  'node-crash': {},
  'node-freeze': {},
  'node-isolation': {},
  'node-drain': {},
  'zone-outage': {},
  'zone-partition': {},
  'zone-pair-partition': { zones: ['a', 'b'] },
  'primary-crash': {},
  'postgres-kill': {},
  'pod-kill': {},
  'pod-failure': {},
  'network-delay': { latency: '100ms' },
  'network-loss': { loss: 10 },
  'cpu-stress': {},
  'memory-stress': { size: '256MB' },
  'io-latency': { delay: '50ms' },
  'io-fault': {},
  'clock-skew': { offset: '30s' },
  'etcd-member-kill': {},
  'etcd-quorum-loss': {},
  'etcd-data-loss': {},
  'cluster-loss': {},
  'backup-corruption': {},
};

describe('fault registry', () => {
  it('has one folder per registered fault, and registers every fault type in order', () => {
    expect(folders(FAULTS_DIR)).toEqual([...FAULTS.keys()].sort());
    expect([...FAULTS.keys()]).toEqual([...FAULT_TYPES]);
  });

  it('keys every definition by its own type', () => {
    for (const [type, definition] of FAULTS) expect(definition.type).toBe(type);
    for (const type of FAULT_TYPES) expect(faultDefinition(type).type).toBe(type);
  });

  it.each(folders(FAULTS_DIR))('%s has schema.ts, index.ts and readme.md', (folder) => {
    for (const file of ['schema.ts', 'index.ts', 'readme.md']) {
      expect(existsSync(join(FAULTS_DIR, folder, file)), `${folder}/${file}`).toBe(true);
    }
  });
});

describe.each([...FAULT_TYPES])('fault %s', (type) => {
  const definition = faultDefinition(type);
  const minimal = MINIMAL[type];

  it('parses its documented minimal parameters and describes them in one line', () => {
    const parsed = definition.params.safeParse(minimal);
    expect(parsed.error).toBeUndefined();
    const line = definition.describe(parsed.data as never);
    expect(line).toMatch(/\S/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('undefined');
  });

  it('parses {} or reports exactly its required fields as missing', () => {
    const parsed = definition.params.safeParse({});
    if (Object.keys(minimal).length === 0) {
      expect(parsed.success).toBe(true);
    } else {
      const missing = (parsed.error?.issues ?? []).map((issue) => issue.path.join('.')).sort();
      expect(missing).toEqual(Object.keys(minimal).sort());
    }
  });

  it('rejects an unknown key', () => {
    const parsed = definition.params.safeParse({ ...minimal, nodee: 'a-1' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.code)).toContain('unrecognized_keys');
  });

  it('documents every parameter in its readme and describes every field', () => {
    const readme = readFileSync(join(FAULTS_DIR, type, 'readme.md'), 'utf8');
    expect(readme.startsWith(`# ${type}\n`)).toBe(true);
    expect(readme).toMatch(/^Revert /m);
    for (const key of Object.keys(definition.params.shape)) {
      expect(readme, `${type}/readme.md documents \`${key}\``).toContain(`| \`${key}\` |`);
    }
    expect(definition.summary).toMatch(/^[A-Z].*\.$/);
  });
});

describe('fault parameter checks', () => {
  it('refuses a zone pair naming the same zone twice', () => {
    const parsed = faultDefinition('zone-pair-partition').params.safeParse({ zones: ['a', 'a'] });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['zones'], message: 'the two zones must be different, like ["a", "b"]' }),
    ]);
  });

  it.each(['network-delay', 'network-loss'] as const)('%s refuses both zone and pod', (type) => {
    const parsed = faultDefinition(type).params.safeParse({ ...MINIMAL[type], zone: 'a', pod: 'primary' });
    expect(parsed.error?.issues[0]?.message).toMatch(/at most one of `zone` and `pod`/);
  });

  it('turns durations into milliseconds and applies defaults', () => {
    expect(faultDefinition('network-delay').params.parse({ latency: '100ms', jitter: '1s' })).toEqual({
      latency: 100,
      jitter: 1000,
      correlation: 0,
    });
    expect(faultDefinition('pod-kill').params.parse({})).toEqual({ pod: 'primary', gracePeriod: 0 });
  });

  it.each([
    ['memory-stress', { size: '256 MB' }, 'size'],
    ['cpu-stress', { workers: 65 }, 'workers'],
    ['io-fault', { errno: 0 }, 'errno'],
    ['clock-skew', { offset: '0s' }, 'offset'],
    ['etcd-quorum-loss', { members: 1 }, 'members'],
    ['postgres-kill', { signal: 'SIGHUP' }, 'signal'],
  ] as const)('%s rejects %j at `%s`', (type, params, path) => {
    const parsed = faultDefinition(type).params.safeParse(params);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
