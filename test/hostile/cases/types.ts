// One hostile input: the files of a scenario's directory, what kdrill must answer, and what
// it must never print. Special entries stand for what cannot be written as text.
export type FileEntry =
  | string
  | { readonly fifo: true }
  | { readonly symlink: string }
  | { readonly dir: true }
  | { readonly bytes: Buffer }
  | { readonly repeat: string; readonly times: number; readonly head?: string };

export type Command = 'validate' | 'plan' | 'dry-run';

export interface HostileCase {
  readonly name: string;
  // Relative paths in the case's own directory; `scenario.yaml` is the file kdrill is given
  // unless `entry` names another. `<outside>/` paths go to a sibling directory the scenario
  // may not read from.
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly entry?: string;
  readonly expect: {
    readonly code: 0 | 2;
    // Text every command's output must hold: `scenario.yaml:12:5` or a part of it; `<dir>`
    // and `<outside>` stand for the two directories.
    readonly at?: string;
    readonly message?: RegExp;
  };
  // Text `run --dry-run` must print (what a real run would do, shown for what it is).
  readonly dryRunShows?: readonly string[];
  // Strings that must never appear in any output (file contents, secrets, raw escapes).
  readonly never?: readonly string[];
  // Paths (relative to the case directory, or absolute under <dir>) that must not exist after.
  readonly notCreated?: readonly string[];
  readonly commands?: readonly Command[];
  // Extra arguments after the command (like --allow-dir); `<outside>` is replaced.
  readonly args?: readonly string[];
  // Extra environment ($KUBECONFIG of the user, say); values may use <dir> and <outside>.
  readonly env?: Readonly<Record<string, string>>;
}

// Replaces each `from` (which must occur exactly once) with `to`.
export function edit(doc: string, ...pairs: [from: string, to: string][]): string {
  let out = doc;
  for (const [from, to] of pairs) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) throw new Error(`edit: expected exactly one ${JSON.stringify(from)} in the document`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

// Lines: 1 apiVersion, 3 metadata, 6 tier, 8 target, 10 load, 13 steps, 14-17 steps[0]
// (a node-crash), 18-19 steps[1] (a wait), 20-21 verifications.
export const LOCAL = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: hostile
  cadence: monthly
tier:
  name: tier1
target:
  backend: local
load:
  driver: ledger
  rate: 50
steps:
  - name: crash
    fault: node-crash
    node: a-1
    duration: 30s
  - wait: service-restored
    timeout: 5m
verifications:
  - verify: ledger-readback
`;

// The same drill on Kubernetes: lines 8-14 are the target, 15-17 the load, steps start on line 18.
export const K8S = edit(
  LOCAL,
  [
    'target:\n  backend: local\n',
    `target:
  backend: kubernetes
  context: kind-kdrill
  namespace: kdrill-pg
  allowedContexts: [kind-kdrill]
  allowedNamespaces: [kdrill-pg]
  provider: kind
`,
  ],
  ['    node: a-1\n', '    node: primary\n'],
);

export const POLICY = `apiVersion: kdrill.dev/v1alpha1
kind: TierPolicy
tiers:
  tier0: { rpo: 0s, rto: 1m }
  tier1: { rpo: 1m, rto: 5m }
  tier2: { rpo: 1h, rto: 1h }
`;

export const TOPOLOGY = `apiVersion: kdrill.dev/v1alpha1
kind: Topology
zones:
  - { name: a, nodes: 2 }
  - { name: b }
  - { name: c }
`;

// A kubeconfig whose credential plugin would leave `marker` behind if it ever ran.
export function execKubeconfig(marker: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: "https://127.0.0.1:9" }
users:
  - name: u
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: /bin/sh
        args: ["-c", "touch ${marker}; echo '{\\"apiVersion\\":\\"client.authentication.k8s.io/v1beta1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"t\\"}}'"]
contexts:
  - name: kind-kdrill
    context: { cluster: c, user: u }
current-context: kind-kdrill
`;
}
