import { edit, K8S, LOCAL, POLICY, TOPOLOGY, type FileEntry, type HostileCase } from './types.js';

// Files a scenario names stay inside its directory tree (or one allowed with --allow-dir), are
// regular files under a size limit, and their contents never reach a message.
const withPolicy = (ref: string) => edit(LOCAL, ['  name: tier1\n', `  name: tier1\n  policy: ${ref}\n`]);
const withTopology = (ref: string) => edit(LOCAL, ['  backend: local\n', `  backend: local\n  topology: ${ref}\n`]);
// k6 keeps no ledger, so the drill reads none back.
const withScript = (ref: string) => edit(K8S, ['  driver: ledger\n  rate: 50\n', `  driver: k6\n  rate: 50\n  runIn: cluster\n  script: ${ref}\n`], ['verifications:\n  - verify: ledger-readback\n', '']);
const SCRIPT = "import sql from 'k6/x/sql';\nexport default function () {}\n";
const PASSWD_LINE = 'root:x:0:0';

const POLICY_AT = 'scenario.yaml:8:11';
const TOPOLOGY_AT = 'scenario.yaml:10:13';
const SCRIPT_AT = 'scenario.yaml:19:11';

// One case per kind of file that is not a small regular file in the tree.
function badFiles(kind: string, make: (ref: string) => string, at: string): HostileCase[] {
  const cases: [string, string, FileEntry | undefined, RegExp][] = [
    ['an absolute path outside the tree', '/etc/passwd', undefined, /inside the scenario's directory/],
    ['/etc/shadow', '/etc/shadow', undefined, /inside the scenario's directory/],
    ['a path climbing out with ..', '../../../../etc/passwd', undefined, /inside the scenario's directory/],
    ['a symlink inside the tree leading to /etc/passwd', 'link', { symlink: '/etc/passwd' }, /it leads to \/etc\/passwd/],
    ['a symlinked directory leading out', 'etc/passwd', { symlink: '/etc' }, /inside the scenario's directory/],
    ['a FIFO', 'pipe', { fifo: true }, /expected a regular file, got a FIFO/],
    ['a symlink to /dev/zero', 'zero', { symlink: '/dev/zero' }, /inside the scenario's directory/],
    ['a directory', 'folder', { dir: true }, /expected a regular file, got a directory/],
    ['a file over the size limit', 'huge', { repeat: '# padding padding padding padding\n', times: 80_000 }, /expected at most/],
    ['binary data', 'binary', { bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff]) }, /(binary|UTF-8)/],
    ['a file that does not exist', 'missing.yaml', undefined, /no such file/],
  ];
  return cases.map(([what, ref, entry, message]) => {
    const files: Record<string, FileEntry> = { 'scenario.yaml': make(ref) };
    if (entry) files[ref.split('/')[0]!] = entry;
    return { name: `${kind}: ${what}`, files, expect: { code: 2, at, message }, never: [PASSWD_LINE] };
  });
}

export const namedFileCases: HostileCase[] = [
  ...badFiles('tier.policy', withPolicy, POLICY_AT),
  ...badFiles('target.topology', withTopology, TOPOLOGY_AT),
  ...badFiles('load.script', withScript, SCRIPT_AT),
  {
    name: 'tier.policy: a valid policy in a subdirectory',
    files: { 'scenario.yaml': withPolicy('policies/mine.yaml'), 'policies/mine.yaml': POLICY },
    expect: { code: 0 },
  },
  {
    name: 'tier.policy: outside the tree, allowed with --allow-dir',
    files: { 'scenario.yaml': withPolicy('<outside>/policy.yaml'), '<outside>/policy.yaml': POLICY },
    args: ['--allow-dir', '<outside>'],
    expect: { code: 0 },
  },
  {
    name: 'tier.policy: outside the tree, not allowed',
    files: { 'scenario.yaml': withPolicy('<outside>/policy.yaml'), '<outside>/policy.yaml': POLICY },
    expect: { code: 2, at: POLICY_AT, message: /--allow-dir/ },
  },
  {
    name: 'tier.policy: a YAML file that is not a policy says so without quoting it',
    files: { 'scenario.yaml': withPolicy('notes.yaml'), 'notes.yaml': 'db_password_hint: tr0ub4dor\nnotes: [a, b]\n' },
    expect: { code: 2, at: POLICY_AT, message: /not one/ },
    never: ['tr0ub4dor', 'db_password_hint'],
  },
  {
    name: 'tier.policy: a policy with a wrong field is located in the policy',
    files: { 'scenario.yaml': withPolicy('policy.yaml'), 'policy.yaml': edit(POLICY, ['tier1: { rpo: 1m', 'tier1: { rpo: soon']) },
    expect: { code: 2, at: 'policy.yaml:5:' },
  },
  {
    name: 'tier.policy: two documents',
    files: { 'scenario.yaml': withPolicy('policy.yaml'), 'policy.yaml': `${POLICY}---\n${POLICY}` },
    expect: { code: 2, at: POLICY_AT },
  },
  {
    name: 'target.topology: a duplicated zone is refused at validate time',
    files: { 'scenario.yaml': withTopology('topology.yaml'), 'topology.yaml': edit(TOPOLOGY, ['  - { name: c }\n', '  - { name: a }\n']) },
    expect: { code: 2, at: 'topology.yaml:6:', message: /unique/ },
  },
  {
    name: 'target.topology: nodes: .inf',
    files: { 'scenario.yaml': withTopology('topology.yaml'), 'topology.yaml': edit(TOPOLOGY, ['  - { name: b }\n', '  - { name: b, nodes: .inf }\n']) },
    expect: { code: 2, at: 'topology.yaml:5:' },
  },
  {
    name: 'target.topology: nodes: 100000000',
    files: { 'scenario.yaml': withTopology('topology.yaml'), 'topology.yaml': edit(TOPOLOGY, ['  - { name: b }\n', '  - { name: b, nodes: 100000000 }\n']) },
    expect: { code: 2, at: 'topology.yaml:5:' },
  },
  {
    name: 'target.topology: a thousand zones',
    files: {
      'scenario.yaml': withTopology('topology.yaml'),
      'topology.yaml': `apiVersion: kdrill.dev/v1alpha1\nkind: Topology\nzones:\n${Array.from({ length: 1000 }, (_, i) => `  - { name: z${i} }\n`).join('')}`,
    },
    expect: { code: 2, at: 'topology.yaml:4:' },
  },
  {
    name: 'target.topology: a fault naming a node the topology lacks',
    files: { 'scenario.yaml': edit(withTopology('topology.yaml'), ['    node: a-1\n', '    node: b-2\n']), 'topology.yaml': TOPOLOGY },
    expect: { code: 2, at: 'scenario.yaml:17:11', message: /a-1, a-2, b-1, c-1/ },
  },
  {
    name: 'target.topology: a valid topology beside the scenario',
    files: { 'scenario.yaml': edit(withTopology('topology.yaml'), ['    node: a-1\n', '    node: a-2\n']), 'topology.yaml': TOPOLOGY },
    expect: { code: 0 },
  },
  {
    name: "target.topology: kdrill's shipped six-node topology",
    files: { 'scenario.yaml': edit(withTopology('fixtures/topologies/six-nodes.yaml'), ['    node: a-1\n', '    node: c-2\n']) },
    expect: { code: 0 },
  },
  {
    name: 'target.topology: /etc/hostname through a symlink',
    files: { 'scenario.yaml': withTopology('host'), host: { symlink: '/etc/hostname' } },
    expect: { code: 2, at: TOPOLOGY_AT },
  },
  {
    name: 'load.script: where k6 runs is decided without running k6',
    files: { 'scenario.yaml': edit(withScript('writes.js'), ['  runIn: cluster\n', '']), 'writes.js': SCRIPT },
    expect: { code: 0 },
  },
  {
    name: 'tier.policy: an allowed directory does not open its symlinks to elsewhere',
    files: { 'scenario.yaml': withPolicy('<outside>/escape.yaml'), '<outside>/escape.yaml': { symlink: '/etc/passwd' } },
    args: ['--allow-dir', '<outside>'],
    expect: { code: 2, at: POLICY_AT, message: /it leads to \/etc\/passwd/ },
    never: [PASSWD_LINE],
  },
  {
    name: 'load.script: a script inside the tree is shown in the dry run',
    files: { 'scenario.yaml': withScript('load/writes.js'), 'load/writes.js': SCRIPT },
    expect: { code: 0 },
    dryRunShows: ["import sql from 'k6/x/sql';", 'kind: ConfigMap'],
  },
];
