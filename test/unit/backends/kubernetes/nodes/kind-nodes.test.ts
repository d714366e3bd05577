import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerKindNodes } from '../../../../../harness/backends/kubernetes/nodes/kind-nodes.js';

// Docker cannot run on this machine: the docker CLI is played by test/helpers/fake-docker,
// which checks the argv and answers in docker's shapes. Real Docker runs in the kind workflow.
const FAKE = path.resolve(import.meta.dirname, '../../../../helpers/fake-docker/docker.mjs');
let dir: string;
let stateFile: string;

const calls = () => readFileSync(`${stateFile}.log`, 'utf8').trim().split('\n');
const node = () => (JSON.parse(readFileSync(stateFile, 'utf8')) as { containers: Record<string, { running: boolean; paused: boolean; networks: Record<string, { IPAddress: string }> }> }).containers['kdrill-worker']!;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-docker-'));
  stateFile = path.join(dir, 'state.json');
  writeFileSync(stateFile, JSON.stringify({ nextAddress: '172.18.0.9', containers: { 'kdrill-worker': { running: true, paused: false, networks: { kind: { IPAddress: '172.18.0.3' } } } } }));
  writeFileSync(`${stateFile}.log`, '');
  process.env.FAKE_DOCKER_STATE = stateFile;
});

afterEach(() => {
  delete process.env.FAKE_DOCKER_STATE;
  rmSync(dir, { recursive: true, force: true });
});

describe('kind node containers through the docker CLI', () => {
  const ops = () => dockerKindNodes(FAKE);

  it('crash kills the container once; start brings it back; both repeat safely', async () => {
    await ops().crash('kdrill-worker');
    await ops().crash('kdrill-worker');
    expect(node().running).toBe(false);
    await ops().start('kdrill-worker');
    await ops().start('kdrill-worker');
    expect(node().running).toBe(true);
    expect(calls().filter((c) => !c.startsWith('inspect'))).toEqual(['kill --signal KILL kdrill-worker', 'start kdrill-worker']);
  });

  it('pause and unpause are idempotent; start also unpauses', async () => {
    await ops().pause('kdrill-worker');
    await ops().pause('kdrill-worker');
    expect(node().paused).toBe(true);
    await ops().start('kdrill-worker');
    expect(node()).toMatchObject({ running: true, paused: false });
    await ops().unpause('kdrill-worker');
  });

  it('disconnect returns the address; connect asks for it back, and falls back when Docker refuses a chosen address', async () => {
    expect(await ops().disconnect('kdrill-worker')).toBe('172.18.0.3');
    expect(node().networks).toEqual({});
    await ops().connect('kdrill-worker', '172.18.0.3');
    expect(node().networks.kind?.IPAddress).toBe('172.18.0.9');
    expect(calls().filter((c) => c.startsWith('network'))).toEqual(['network disconnect kind kdrill-worker', 'network connect --ip 172.18.0.3 kind kdrill-worker', 'network connect kind kdrill-worker']);
    await ops().connect('kdrill-worker', '172.18.0.3');
    expect(calls().filter((c) => c.startsWith('network'))).toHaveLength(3);
  });

  it('exec runs one sh -c script in the node container', async () => {
    await ops().exec('kdrill-worker', 'mv /etc/kubernetes/manifests/etcd.yaml /tmp/x');
    expect(calls().at(-1)).toBe('exec kdrill-worker sh -c mv /etc/kubernetes/manifests/etcd.yaml /tmp/x');
    await ops().crash('kdrill-worker');
    await expect(ops().exec('kdrill-worker', 'true')).rejects.toThrow(/container kdrill-worker is not running/);
  });

  it('an unknown container fails with docker’s own words', async () => {
    await expect(ops().crash('kdrill-worker9')).rejects.toThrow(/inspect .* kdrill-worker9` exited 1: Error response from daemon: No such container: kdrill-worker9/);
  });
});
