import { runCommand } from './commands.js';

// kind runs each node as a Docker container named after the node, on the network "kind".
export const KIND_NETWORK = 'kind';

export interface KindNodeOps {
  crash(node: string): Promise<void>;
  start(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  // Disconnects the node from the kind network; returns its address there, to reconnect with.
  disconnect(node: string): Promise<string | undefined>;
  connect(node: string, address: string | undefined): Promise<void>;
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
      const address = (await runCommand([docker, 'inspect', '--format', `{{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`, node]).catch(() => '')).trim() || undefined;
      if ((await state(node)).networks.includes(KIND_NETWORK)) await runCommand([docker, 'network', 'disconnect', KIND_NETWORK, node]);
      return address;
    },
    // The same address again when Docker allows it: the node's kubelet and certificates know it.
    connect: async (node, address) => {
      if ((await state(node)).networks.includes(KIND_NETWORK)) return;
      if (address) {
        try {
          await runCommand([docker, 'network', 'connect', '--ip', address, KIND_NETWORK, node]);
          return;
        } catch {
          // The kind network has no user-configured subnet: Docker refuses a chosen address.
        }
      }
      await runCommand([docker, 'network', 'connect', KIND_NETWORK, node]);
    },
    state,
    exec: (node, script) => runCommand([docker, 'exec', node, 'sh', '-c', script], { timeoutMs: 60_000 }),
  };
}
