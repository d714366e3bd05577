import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MARK = 'KDRILL_IN_USERNS';

let usable: boolean | undefined;

// How kdrill makes its user namespace: with a network and a mount namespace of its own, the
// user's uid mapped to itself (PostgreSQL refuses uid 0) and its capabilities kept. Every probe
// of whether it can be made (privilege.ts, `kdrill doctor`) runs exactly this.
export const USERNS_ARGS = ['--map-current-user', '--keep-caps', '--net', '--mount'] as const;

// Whether an unprivileged user namespace with a network and mount namespace can be made here
// (asked once per process; validation needs the answer synchronously).
export function userNamespaceUsable(): boolean {
  usable ??= spawnSync('unshare', [...USERNS_ARGS, 'true'], { timeout: 5_000, stdio: 'ignore' }).status === 0;
  return usable;
}

// Whether this process already runs inside the user namespace kdrill made for itself.
export function insideOwnUserNamespace(): boolean {
  if (process.env[MARK] !== '1') return false;
  try {
    // The initial user namespace maps the whole uid range; ours maps one uid.
    return !/^\s*0\s+0\s+4294967295\s*$/m.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

// Runs this very command again inside a new user, network and mount namespace, where the
// user holds the capabilities to build namespaces, bridges and routes (map-current-user +
// keep-caps: PostgreSQL refuses uid 0, so the uid stays the user's). /run/netns gets a
// private tmpfs so `ip netns add` works; lo comes up for HAProxy. Resolves with its exit code.
export function reexecInUserNamespace(): Promise<number> {
  const script = [
    'set -e',
    // Without /run/netns (a fresh machine) a private /run takes its place: nothing else there is used.
    'if [ -d /run/netns ]; then mount -t tmpfs -o mode=755 kdrill-netns /run/netns; else mount -t tmpfs -o mode=755 kdrill-run /run && mkdir /run/netns; fi',
    'ip link set lo up',
    'exec "$@"',
  ].join('\n');
  const argv = [...USERNS_ARGS, '--propagation', 'private', '--', 'sh', '-c', script, 'kdrill', process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn('unshare', argv, { stdio: 'inherit', env: { ...process.env, [MARK]: '1' } });
  // Ctrl-C reaches the child through the terminal; a SIGTERM to this process is passed on.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = () => {}; // the child handles it and reverts its faults; we wait for it
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
