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
type FakeState = { userSubnet?: boolean; containers: Record<string, { running: boolean; paused: boolean; restarts?: number; networks: Record<string, { IPAddress: string }> }> };
const readState = () => JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState;
const node = () => readState().containers['kdrill-worker']!;
const changeState = (change: (state: FakeState) => void) => {
  const state = readState();
  change(state);
  writeFileSync(stateFile, JSON.stringify(state));
};
// Another container joins the kind network at `address` while the node is away.
const takenMeanwhile = (address: string) => changeState((s) => void (s.containers['intruder'] = { running: true, paused: false, networks: { kind: { IPAddress: address } } }));
const networkCalls = () => calls().filter((c) => c.startsWith('network') || c.startsWith('restart'));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-docker-'));
  stateFile = path.join(dir, 'state.json');
  // kind's network as Docker (before 29.1) has it: kind configured only its IPv6 subnet.
  const on = (IPAddress: string) => ({ running: true, paused: false, networks: { kind: { IPAddress } } });
  writeFileSync(stateFile, JSON.stringify({ subnet: '172.18.0.0/16', userSubnet: false, containers: { 'kdrill-control-plane': on('172.18.0.2'), 'kdrill-worker': on('172.18.0.3'), 'kdrill-worker2': on('172.18.0.4') } }));
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

  it('disconnect returns the address; connect asks for it back, falls back when Docker refuses a chosen address, and gets the same one while it is free', async () => {
    expect(await ops().disconnect('kdrill-worker')).toBe('172.18.0.3');
    expect(node().networks).toEqual({});
    expect(await ops().connect('kdrill-worker', '172.18.0.3')).toEqual({ address: '172.18.0.3' });
    expect(node().networks.kind?.IPAddress).toBe('172.18.0.3');
    expect(networkCalls()).toEqual(['network disconnect kind kdrill-worker', 'network connect --ip 172.18.0.3 kind kdrill-worker', 'network connect kind kdrill-worker']);
    expect(await ops().connect('kdrill-worker', '172.18.0.3')).toEqual({ address: '172.18.0.3' });
    expect(networkCalls()).toHaveLength(3);
    expect(node().restarts).toBeUndefined();
  });

  // The kubelet's --node-ip is the address kind gave it at creation; kind's entrypoint
  // rewrites it (and the control plane's manifests) to the current address at each boot.
  it('an address taken meanwhile: the node gets another, so its container is restarted, and connect says why', async () => {
    await ops().disconnect('kdrill-worker');
    takenMeanwhile('172.18.0.3');
    const back = await ops().connect('kdrill-worker', '172.18.0.3');
    expect(back.address).toBe('172.18.0.5');
    expect(back.restarted).toBe('Docker gave it 172.18.0.5 on the kind network, not 172.18.0.3 (it refused --ip 172.18.0.3: user specified IP address is supported only when connecting to networks with user configured subnets)');
    expect(networkCalls()).toEqual(['network disconnect kind kdrill-worker', 'network connect --ip 172.18.0.3 kind kdrill-worker', 'network connect kind kdrill-worker', 'restart kdrill-worker']);
    expect(node()).toMatchObject({ running: true, restarts: 1, networks: { kind: { IPAddress: '172.18.0.5' } } });
  });

  it('where Docker takes --ip (a configured IPv4 subnet, or Docker 29.1 and later), the node gets its address back unless it was taken', async () => {
    changeState((s) => void (s.userSubnet = true));
    await ops().disconnect('kdrill-worker');
    expect(await ops().connect('kdrill-worker', '172.18.0.3')).toEqual({ address: '172.18.0.3' });
    expect(networkCalls()).toEqual(['network disconnect kind kdrill-worker', 'network connect --ip 172.18.0.3 kind kdrill-worker']);
    await ops().disconnect('kdrill-worker');
    takenMeanwhile('172.18.0.3');
    const back = await ops().connect('kdrill-worker', '172.18.0.3');
    expect(back).toEqual({ address: '172.18.0.5', restarted: 'Docker gave it 172.18.0.5 on the kind network, not 172.18.0.3 (it refused --ip 172.18.0.3: Address already in use)' });
    expect(node().restarts).toBe(1);
  });

  it('a node already connected elsewhere (a revert repeated before its restart) is restarted without reconnecting; one at its address is left alone', async () => {
    await ops().disconnect('kdrill-worker');
    takenMeanwhile('172.18.0.3');
    changeState((s) => void (s.containers['kdrill-worker']!.networks = { kind: { IPAddress: '172.18.0.5' } }));
    expect(await ops().connect('kdrill-worker', '172.18.0.3')).toEqual({ address: '172.18.0.5', restarted: 'Docker gave it 172.18.0.5 on the kind network, not 172.18.0.3' });
    expect(networkCalls()).toEqual(['network disconnect kind kdrill-worker', 'restart kdrill-worker']);
    expect(await ops().connect('kdrill-worker', '172.18.0.5')).toEqual({ address: '172.18.0.5' });
    expect(await ops().connect('kdrill-worker', undefined)).toEqual({ address: '172.18.0.5' });
    expect(node().restarts).toBe(1);
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
