import { runCommand } from './commands.js';

// kind runs each node as a Docker container named after the node, on the network "kind".
export const KIND_NETWORK = 'kind';

// Where a reconnected node stands on the kind network.
export interface Reconnection {
  // Its address there now.
  readonly address: string | undefined;
  // Why its container was restarted, when the address it got back is not the one asked for.
  readonly restarted?: string;
}

export interface KindNodeOps {
  crash(node: string): Promise<void>;
  start(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  // Disconnects the node from the kind network; returns its address there, to reconnect with.
  disconnect(node: string): Promise<string | undefined>;
  // Reconnects the node, asking for `address` (the one its kubelet registered) again; when
  // Docker gives it another, restarts the node container: kind's entrypoint rewrites the
  // kubelet's node-ip (and the control plane's manifests) to the current address only at boot.
  connect(node: string, address: string | undefined): Promise<Reconnection>;
  state(node: string): Promise<{ running: boolean; paused: boolean; networks: string[] }>;
  // A shell script inside the node container (as root), for etcd's static pod.
  exec(node: string, script: string): Promise<string>;
}

// Through the docker CLI. Each operation is idempotent: stopping a stopped node, starting a
// running one, reconnecting a connected one are no-ops, so reverts can be repeated.
export function dockerKindNodes(docker = 'docker'): KindNodeOps {
  const state: KindNodeOps['state'] = async (node) => {
    const out = await runCommand([docker, 'inspect', '--format', '{{json .State}}|{{json .NetworkSettings.Networks}}', node]);
    const [stateJson, networksJson] = out.split('|');
    const s = JSON.parse(stateJson ?? '{}') as { Running?: boolean; Paused?: boolean };
    const networks = Object.keys((JSON.parse(networksJson ?? '{}') as Record<string, unknown> | null) ?? {});
    return { running: s.Running === true, paused: s.Paused === true, networks };
  };
  const addressOf = async (node: string): Promise<string | undefined> =>
    (await runCommand([docker, 'inspect', '--format', `{{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`, node]).catch(() => '')).trim() || undefined;
  return {
    // SIGKILL to the node's init: every process of the node dies at once, as in a power loss.
    crash: async (node) => {
      if ((await state(node)).running) await runCommand([docker, 'kill', '--signal', 'KILL', node]);
    },
    start: async (node) => {
      const s = await state(node);
      if (s.paused) await runCommand([docker, 'unpause', node]);
      else if (!s.running) await runCommand([docker, 'start', node]);
    },
    pause: async (node) => {
      if (!(await state(node)).paused) await runCommand([docker, 'pause', node]);
    },
    unpause: async (node) => {
      if ((await state(node)).paused) await runCommand([docker, 'unpause', node]);
    },
    disconnect: async (node) => {
      const address = await addressOf(node);
      if ((await state(node)).networks.includes(KIND_NETWORK)) await runCommand([docker, 'network', 'disconnect', KIND_NETWORK, node]);
      return address;
    },
    // Docker before 29.1 takes --ip only in a user-configured subnet, and kind configures
    // only its IPv6 one; any Docker refuses an address taken meanwhile ("Address already in
    // use"). Without --ip, Docker hands out the lowest free address: often, not always, the
    // old one. A node already connected (a repeated revert) is only checked.
    connect: async (node, address) => {
      let refused: string | undefined;
      if (!(await state(node)).networks.includes(KIND_NETWORK)) {
        if (address) {
          await runCommand([docker, 'network', 'connect', '--ip', address, KIND_NETWORK, node]).catch((error: Error) => {
            refused = error.message.split('Error response from daemon: ').at(-1);
          });
        }
        if (!address || refused !== undefined) await runCommand([docker, 'network', 'connect', KIND_NETWORK, node]);
      }
      const now = await addressOf(node);
      if (!address || now === address) return { address: now };
      const restarted = `Docker gave it ${now ?? 'no address'} on the ${KIND_NETWORK} network, not ${address}${refused !== undefined ? ` (it refused --ip ${address}: ${refused})` : ''}`;
      await runCommand([docker, 'restart', node], { timeoutMs: 180_000 });
      return { address: await addressOf(node), restarted };
    },
    state,
    exec: (node, script) => runCommand([docker, 'exec', node, 'sh', '-c', script], { timeoutMs: 60_000 }),
  };
}
