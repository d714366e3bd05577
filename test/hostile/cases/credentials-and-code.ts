import { edit, execKubeconfig, K8S, type HostileCase } from './types.js';

// A scenario chooses targets, never credentials or code.
const withTarget = (extra: string) => edit(K8S, ['  provider: kind\n', `  provider: kind\n${extra}`]);
const generic = (commands: string) =>
  edit(K8S, ['  provider: kind\n', `  provider: generic\n${commands}`]);

export const credentialCases: HostileCase[] = [
  {
    name: 'target.kubeconfig naming a kubeconfig with an exec credential plugin',
    files: { 'scenario.yaml': withTarget('  kubeconfig: evil-kubeconfig\n'), 'evil-kubeconfig': execKubeconfig('<dir>/plugin-ran') },
    expect: { code: 2, at: 'scenario.yaml:15:3', message: /Expected no `target.kubeconfig`/ },
    notCreated: ['plugin-ran'],
  },
  {
    name: 'target.kubeconfig naming the user\'s own kubeconfig',
    files: { 'scenario.yaml': withTarget('  kubeconfig: /root/.kube/config\n') },
    expect: { code: 2, at: 'scenario.yaml:15:3', message: /--kubeconfig FILE/ },
  },
  {
    name: 'target.kubeconfig hidden behind a YAML merge key',
    files: { 'scenario.yaml': withTarget('  <<: { kubeconfig: evil-kubeconfig }\n'), 'evil-kubeconfig': execKubeconfig('<dir>/plugin-ran') },
    expect: { code: 2, at: 'scenario.yaml:15:' },
    notCreated: ['plugin-ran'],
  },
  {
    name: 'target.kubeconfig as an empty string',
    files: { 'scenario.yaml': withTarget('  kubeconfig: ""\n') },
    expect: { code: 2, at: 'scenario.yaml:15:3' },
  },
  {
    name: "the user's kubeconfig runs a credential plugin: validate and plan never run it",
    files: { 'scenario.yaml': K8S, 'user-kubeconfig': execKubeconfig('<dir>/plugin-ran') },
    env: { KUBECONFIG: '<dir>/user-kubeconfig' },
    commands: ['validate', 'plan'],
    expect: { code: 0 },
    notCreated: ['plugin-ran'],
  },
  {
    name: '--kubeconfig with a credential plugin: validate and plan never run it',
    files: { 'scenario.yaml': K8S, 'user-kubeconfig': execKubeconfig('<dir>/plugin-ran') },
    args: ['--kubeconfig', '<dir>/user-kubeconfig'],
    commands: ['validate', 'plan'],
    expect: { code: 0 },
    notCreated: ['plugin-ran'],
  },
  {
    name: 'nodeCommands are shown in the plan and dry run for what they are, never run',
    files: {
      'scenario.yaml': generic('  nodeCommands:\n    stop: [touch, "<dir>/node-stopped", "{node}"]\n    start: [touch, "<dir>/node-started"]\n'),
    },
    expect: { code: 0 },
    dryRunShows: ['$ touch <dir>/node-stopped kdrill-worker', 'programs this scenario names, run on this machine by a real run'],
    notCreated: ['node-stopped', 'node-started'],
  },
  {
    name: 'nodeCommands with a shell one-liner: still only shown',
    files: {
      'scenario.yaml': generic('  nodeCommands:\n    stop: [sh, -c, "touch <dir>/pwned"]\n    start: [sh, -c, "true"]\n'),
    },
    expect: { code: 0 },
    dryRunShows: ['$ sh -c touch <dir>/pwned'],
    notCreated: ['pwned'],
  },
  {
    name: 'nodeCommands with an empty command',
    files: { 'scenario.yaml': generic('  nodeCommands:\n    stop: []\n    start: [true]\n') },
    expect: { code: 2, at: 'scenario.yaml:16:' },
  },
  {
    name: 'a !!js/function tag (code in YAML)',
    files: { 'scenario.yaml': edit(K8S, ['  name: hostile\n', '  name: !!js/function "function () { require(\'fs\').writeFileSync(\'pwned\', \'x\') }"\n']) },
    expect: { code: 2, at: 'scenario.yaml:4:' },
    notCreated: ['pwned'],
  },
  {
    name: 'a custom tag',
    files: { 'scenario.yaml': edit(K8S, ['  name: hostile\n', '  name: !exec "touch pwned"\n']) },
    expect: { code: 2, at: 'scenario.yaml:4:' },
    notCreated: ['pwned'],
  },
  {
    name: '__proto__ as a key (prototype pollution)',
    files: { 'scenario.yaml': edit(K8S, ['metadata:\n', '__proto__:\n  polluted: true\nmetadata:\n']) },
    expect: { code: 2, at: 'scenario.yaml:3:1' },
  },
  {
    name: 'constructor.prototype as keys',
    files: { 'scenario.yaml': edit(K8S, ['  cadence: monthly\n', '  cadence: monthly\n  constructor: { prototype: { polluted: true } }\n']) },
    expect: { code: 2, at: 'scenario.yaml:6:3' },
  },
  {
    name: 'a context outside the allow-list',
    files: { 'scenario.yaml': edit(K8S, ['  context: kind-kdrill\n', '  context: production\n']) },
    expect: { code: 2, at: 'scenario.yaml:10:12', message: /allowed contexts/ },
  },
  {
    name: 'a namespace outside the allow-list',
    files: { 'scenario.yaml': edit(K8S, ['  namespace: kdrill-pg\n', '  namespace: kube-system\n']) },
    expect: { code: 2, at: 'scenario.yaml:11:14', message: /allowed namespaces/ },
  },
  {
    name: 'a namespace that is not a DNS label (path traversal)',
    files: { 'scenario.yaml': edit(K8S, ['  namespace: kdrill-pg\n', '  namespace: ../../kube-system\n']) },
    expect: { code: 2, at: 'scenario.yaml:11:14' },
  },
  {
    name: 'a password in the scenario is refused and never printed',
    files: { 'scenario.yaml': withTarget('  passwordSecret: { key: superuser-password, value: hunter2-secret }\n') },
    expect: { code: 2, at: 'scenario.yaml:15:' },
    never: ['hunter2-secret'],
  },
  {
    name: 'the database address of a host elsewhere: valid, and a dry run connects to nothing',
    files: { 'scenario.yaml': withTarget('  access: { host: 192.0.2.10, readWritePort: 5432 }\n') },
    expect: { code: 0 },
    dryRunShows: ['the cluster could not be read', '--dry-run: nothing was created or touched.'],
  },
];
