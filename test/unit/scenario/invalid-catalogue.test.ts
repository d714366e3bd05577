import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../harness/common/errors.js';
import { parseScenario } from '../../../harness/scenario/load.js';
import { PACKAGE_ROOT } from '../../../harness/scenario/package-root.js';

// A catalogue of named invalid scenarios, each with the exact problems the loader must report
// (chaostoolkit tests/fixtures/experiments.py). Every case is one small edit of BASE, so the
// line numbers below can be read off BASE itself.
//
// Cases marked `loaderBug` describe what the loader SHOULD say; today it says something else
// (or nothing), so they run as `it.fails` until the loader is fixed. When one starts failing,
// the loader was fixed: drop its `loaderBug` (and check the wording still matches).

const FILE = 'catalogue.yaml';

// Line numbers:  1 apiVersion, 3 metadata, 6 tier, 8 target, 10 load, 13 steps,
// 14-17 steps[0] (a fault), 18-19 steps[1] (a wait), 20-21 verifications.
const BASE = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: catalogue-base
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

// The same drill on Kubernetes: target is 6 lines longer (steps[0] starts on line 18).
const K8S_BASE = edit(
  BASE,
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

// Replaces each `from` (which must occur exactly once) with `to`.
function edit(doc: string, ...pairs: [from: string, to: string][]): string {
  let out = doc;
  for (const [from, to] of pairs) {
    const first = out.indexOf(from);
    if (first < 0 || out.indexOf(from, first + 1) >= 0) throw new Error(`edit: ${JSON.stringify(from)} must occur exactly once`);
    out = out.replace(from, to);
  }
  return out;
}

const DURATION = '"500ms", "90s", "15m", "1h" or ISO 8601 "PT5M"';
// A malformed duration is explained with the field's description ("how long the fault lasts
// before it is reverted, like "60s"; default: until the end of the drill"), which never says
// what a duration looks like, nor that "5 minutes", 30 or "-5m" is not one.
// STYLE.md: "Expected `faults[1].duration` to be a duration like "90s" or "PT5M", got `"ninety"` (string)".
const FAULT_TYPES =
  '"node-crash", "node-freeze", "node-isolation", "node-drain", "zone-outage", "zone-partition", "zone-pair-partition", "primary-crash", ' +
  '"postgres-kill", "pod-kill", "pod-failure", "network-delay", "network-loss", "cpu-stress", "memory-stress", "io-latency", "io-fault", ' +
  '"clock-skew", "etcd-member-kill", "etcd-quorum-loss", "etcd-data-loss", "cluster-loss", "backup-corruption"';
const LOCAL_FAULTS =
  'node-crash, node-freeze, node-isolation, zone-outage, zone-partition, zone-pair-partition, primary-crash, postgres-kill, etcd-member-kill, etcd-quorum-loss, etcd-data-loss, cluster-loss, backup-corruption';
const KUBERNETES_FAULTS =
  'pod-kill, pod-failure, network-delay, network-loss, zone-partition, zone-pair-partition, cpu-stress, memory-stress, io-latency, io-fault, ' +
  'clock-skew, node-crash, node-freeze, node-isolation, node-drain, zone-outage, primary-crash, etcd-member-kill, etcd-quorum-loss';
const TOP_LEVEL_KEYS = 'apiVersion, kind, metadata, tier, target, workload, load, steadyState, steps, verifications, abort, gameDay, report';
const STEP_KEYS = '`fault`, `wait`, `pause`, `action`, `checkpoint`, `revert`';
const SCENARIO = 'a kdrill scenario (apiVersion, kind, metadata, tier, target, steps…)';
const LOOPBACK = 'needs network namespaces, which loopback mode does not have: every node shares 127.0.0.0/8; run as root or allow unprivileged user namespaces';

interface Case {
  readonly name: string;
  readonly yaml: string;
  // `file:line:column: message`, in the order the loader must report them.
  readonly expected: readonly string[];
  // Why the loader does not say this yet (see the report to the lead); the case runs as it.fails.
  readonly loaderBug?: string;
}

const at = (line: number, column: number, message: string) => `${FILE}:${line}:${column}: ${message}`;

const CASES: readonly Case[] = [
  // ── unknown keys, with did-you-mean ─────────────────────────────────────────────────────
  {
    name: 'unknown top-level key `metdata`',
    yaml: edit(BASE, ['metadata:', 'metdata:']),
    expected: [
      at(3, 1, "Unknown key `metdata`; did you mean `metadata`? Expected one of: apiVersion, kind, metadata, tier, target, workload, load, steadyState, steps, verifications, abort, gameDay, report."),
    ],
  },
  {
    name: 'unknown top-level key without a close match',
    yaml: edit(BASE, ['metadata:', 'owner: sre-data\nmetadata:']),
    expected: [at(3, 1, `Unknown key \`owner\`. Expected one of: ${TOP_LEVEL_KEYS}.`)],
  },
  {
    name: 'unknown step key `steps[0].duraton`',
    yaml: edit(BASE, ['    duration: 30s', '    duraton: 30s']),
    expected: [at(17, 5, 'Unknown key `steps[0].duraton`; did you mean `duration`? Expected one of: node, fault, name, at, duration, expect.')],
  },
  {
    name: 'unknown target key `target.dsc`',
    yaml: edit(BASE, ['  backend: local\n', '  backend: local\n  dsc: etcd3\n']),
    expected: [at(10, 3, 'Unknown key `target.dsc`; did you mean `dcs`? Expected one of: backend, topology, dcs, privilege, patroni, keep.')],
  },
  {
    name: 'unknown key three levels down `target.patroni.profle`',
    yaml: edit(BASE, ['  backend: local\n', '  backend: local\n  patroni:\n    profle: fast\n']),
    expected: [at(11, 5, 'Unknown key `target.patroni.profle`; did you mean `profile`? Expected one of: profile, ttl, loopWait, retryTimeout.')],
  },
  {
    name: 'unknown key in a list item `steadyState.before[0].withn`',
    yaml: edit(BASE, ['verifications:', 'steadyState:\n  before:\n    - probe: leader\n      withn: 10s\nverifications:']),
    expected: [at(23, 7, 'Unknown key `steadyState.before[0].withn`; did you mean `within`? Expected one of: probe, within, maxLag, replicas.')],
  },
  {
    name: 'parameters on a fault that takes none',
    yaml: edit(BASE, ['    fault: node-crash\n', '    fault: primary-crash\n']),
    expected: [at(16, 5, 'Unknown key `steps[0].node`. Expected one of: fault, name, at, duration, expect.')],
  },

  // ── missing required fields ──────────────────────────────────────────────────────────────
  {
    name: 'missing `metadata.name`',
    yaml: edit(BASE, ['  name: catalogue-base\n', '']),
    expected: [
      at(4, 3, "Expected `metadata.name` (required) to be a lowercase name of letters, digits and \"-\", at most 63 characters, like \"zone-failover\", got nothing"),
    ],
  },
  {
    name: 'missing `tier`',
    yaml: edit(BASE, ['tier:\n  name: tier1\n', '']),
    expected: [
      at(1, 1, "Expected `tier` (required) to be a mapping of keys to values, got nothing"),
    ],
  },
  {
    name: 'missing `tier.name`',
    yaml: edit(BASE, ['tier:\n  name: tier1\n', 'tier:\n  compliance: [SOC2]\n']),
    expected: [at(7, 3, 'Expected `tier.name` to be one of "tier0", "tier1", "tier2", got nothing')],
  },
  {
    name: 'missing `steps`',
    yaml: edit(BASE, [BASE.slice(BASE.indexOf('steps:'), BASE.indexOf('verifications:')), '']),
    expected: [
      at(1, 1, "Expected `steps` (required) to be a list (each item a step with one of the keys `fault`, `wait`, `pause`, `action`, `checkpoint`, `revert`), got nothing"),
    ],
  },
  {
    name: 'empty `steps`',
    yaml: edit(BASE, [BASE.slice(BASE.indexOf('steps:'), BASE.indexOf('verifications:')), 'steps: []\n']),
    expected: [at(13, 8, 'Expected `steps` to be a list of at least 1 item, got `[]` (array)')],
  },
  {
    name: 'kubernetes target with an empty context allow-list',
    yaml: edit(K8S_BASE, ['  allowedContexts: [kind-kdrill]', '  allowedContexts: []']),
    expected: [at(12, 20, 'Expected `target.allowedContexts` to be a list of at least 1 item, got `[]` (array)')],
  },

  // ── wrong types ──────────────────────────────────────────────────────────────────────────
  {
    name: '`load.rate` is a word',
    yaml: edit(BASE, ['  rate: 50', '  rate: fast']),
    expected: [at(12, 9, 'Expected `load.rate` to be writes per second (a whole number from 1), or "max" for as fast as possible, got `"fast"` (string)')],
  },
  {
    name: '`load.concurrency` is a quoted number',
    yaml: edit(BASE, ['  rate: 50', '  rate: 50\n  concurrency: "4"']),
    expected: [
      at(13, 16, "Expected `load.concurrency` to be a whole number from 1 to 256, got `\"4\"` (string)"),
    ],
  },
  {
    name: '`metadata.tags` is a string, not a list',
    yaml: edit(BASE, ['  cadence: monthly\n', '  cadence: monthly\n  tags: ops\n']),
    expected: [at(6, 9, 'Expected `metadata.tags` to be a list of lowercase tags, got `"ops"` (string)')],
  },
  {
    name: '`metadata.name` is a number',
    yaml: edit(BASE, ['  name: catalogue-base', '  name: 42']),
    expected: [at(4, 9, 'Expected `metadata.name` to be a lowercase name of letters, digits and "-", at most 63 characters, like "zone-failover", got `42` (number)')],
  },
  {
    name: '`abort.dataLoss: yes` (a string in YAML 1.2)',
    yaml: edit(BASE, ['verifications:', 'abort:\n  dataLoss: yes\nverifications:']),
    expected: [at(21, 13, 'Expected `abort.dataLoss` to be true or false, got `"yes"` (string)')],
  },
  {
    name: '`steps` is a mapping',
    yaml: edit(BASE, [BASE.slice(BASE.indexOf('steps:'), BASE.indexOf('verifications:')), 'steps:\n  crash: node-crash\n']),
    expected: [
      at(14, 3, "Expected `steps` to be a list (each item a step with one of the keys `fault`, `wait`, `pause`, `action`, `checkpoint`, `revert`), got `{\"crash\":\"node-crash\"}` (object)"),
    ],
  },
  {
    name: 'a step that is null',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  -']),
    expected: [at(18, 4, `Expected \`steps[1]\` to be a step with one of the keys ${STEP_KEYS}, got \`null\``)],
  },

  // ── durations ────────────────────────────────────────────────────────────────────────────
  {
    name: 'duration `ninety`',
    yaml: edit(BASE, ['    duration: 30s', '    duration: ninety']),
    expected: [
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"ninety\"` (string)"),
    ],
  },
  {
    name: 'duration `5 minutes`',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 5 minutes']),
    expected: [
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"5 minutes\"` (string)"),
    ],
  },
  {
    name: 'duration as the number 30',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30']),
    expected: [
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `30` (number)"),
    ],
  },
  {
    name: 'duration `PT` (ISO 8601 with no amount)',
    yaml: edit(BASE, ['    duration: 30s', '    duration: PT']),
    expected: [
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"PT\"` (string)"),
    ],
  },
  {
    name: 'negative wait timeout',
    yaml: edit(BASE, ['    timeout: 5m', '    timeout: -5m']),
    expected: [
      at(19, 14, "Expected `steps[1].timeout` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"-5m\"` (string)"),
    ],
  },
  {
    name: 'negative `at`',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    at: -1s']),
    expected: [at(18, 9, `Expected \`steps[0].at\` to be a duration like ${DURATION}, got \`"-1s"\` (string)`)],
  },
  {
    name: 'zero fault duration',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 0s']),
    expected: [
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"0s\"` (string)"),
    ],
  },
  {
    name: 'zero `steadyState.interval`',
    yaml: edit(BASE, ['verifications:', 'steadyState:\n  interval: 0ms\nverifications:']),
    expected: [
      at(21, 13, "Expected `steadyState.interval` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"0ms\"` (string)"),
    ],
  },

  // ── enums, with did-you-mean ─────────────────────────────────────────────────────────────
  {
    name: 'tier `teir0`',
    yaml: edit(BASE, ['  name: tier1', '  name: teir0']),
    expected: [at(7, 9, 'Expected `tier.name` to be one of "tier0", "tier1", "tier2", got `"teir0"` (string); did you mean "tier0"?')],
  },
  {
    name: 'cadence `monthy`',
    yaml: edit(BASE, ['  cadence: monthly', '  cadence: monthy']),
    expected: [at(5, 12, 'Expected `metadata.cadence` to be one of "monthly", "quarterly", "semiannual", "annual", "adhoc", got `"monthy"` (string); did you mean "monthly"?')],
  },
  {
    name: 'compliance preset in the wrong case `hipaa`',
    yaml: edit(BASE, ['  name: tier1\n', '  name: tier1\n  compliance: [hipaa]\n']),
    expected: [at(8, 16, 'Expected `tier.compliance[0]` to be one of "HIPAA", "PCI-DSS", "SOC2", "GDPR", "trading", got `"hipaa"` (string); did you mean "HIPAA"?')],
  },
  {
    name: 'backend `locl`',
    yaml: edit(BASE, ['  backend: local', '  backend: locl']),
    expected: [at(9, 12, 'Expected `target.backend` to be one of "local", "kubernetes", "fake", got `"locl"` (string); did you mean "local"?')],
  },
  {
    name: 'wait condition `service-restord`',
    yaml: edit(BASE, ['  - wait: service-restored', '  - wait: service-restord']),
    expected: [
      at(
        18,
        11,
        'Expected `steps[1].wait` to be one of "service-restored", "leader-elected", "redundancy-restored", "replication-caught-up", "cluster-healthy", got `"service-restord"` (string); did you mean "service-restored"?',
      ),
    ],
  },
  {
    name: 'checkpoint records `obsrvation`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - checkpoint: What do you see?\n    record: [obsrvation]']),
    expected: [at(19, 14, 'Expected `steps[1].record[0]` to be one of "observation", "decision", got `"obsrvation"` (string); did you mean "observation"?')],
  },
  {
    name: 'restore `into: production`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    into: production']),
    expected: [at(19, 11, 'Expected `steps[1].into` to be one of "scratch-instance", "fresh-cluster", got `"production"` (string)')],
  },

  // ── step kinds, fault types and actions ──────────────────────────────────────────────────
  {
    name: 'unknown fault type `zone-outtage`',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: zone-outtage\n    zone: a\n']),
    expected: [at(15, 12, `Expected \`steps[0].fault\` to be one of ${FAULT_TYPES}, got \`"zone-outtage"\` (string); did you mean "zone-outage"?`)],
  },
  {
    name: 'fault type given as a list',
    yaml: edit(BASE, ['    fault: node-crash', '    fault: [node-crash]']),
    expected: [at(15, 12, `Expected \`steps[0].fault\` to be one of ${FAULT_TYPES}, got \`["node-crash"]\` (array)`)],
  },
  {
    name: 'unknown step kind `sleep`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - sleep: 30s']),
    expected: [at(18, 5, `Expected \`steps[1]\` to be a step with one of the keys ${STEP_KEYS}, got one with keys \`sleep\``)],
  },
  {
    name: 'misspelt step kind `wiat`',
    yaml: edit(BASE, ['  - wait: service-restored', '  - wiat: service-restored']),
    expected: [at(18, 5, `Expected \`steps[1]\` to be a step with one of the keys ${STEP_KEYS}, got one with keys \`wiat\`, \`timeout\`; did you mean \`wait\`?`)],
  },
  {
    name: 'a step with two kinds (`wait` and `pause`)',
    yaml: edit(BASE, ['    timeout: 5m', '    pause: 30s']),
    expected: [at(18, 5, `Expected \`steps[1]\` to be a step with exactly one of the keys ${STEP_KEYS}, got one with keys \`wait\`, \`pause\``)],
  },
  {
    name: 'unknown action `reboot`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: reboot']),
    expected: [at(18, 13, 'Expected `steps[1].action` to be one of "failover", "switchover", "backup", "restore", "etcd-snapshot", "etcd-restore", got `"reboot"` (string)')],
  },

  // ── backend capabilities ─────────────────────────────────────────────────────────────────
  {
    name: 'pod-kill on the local backend',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: pod-kill\n    pod: primary\n']),
    expected: [at(15, 12, `Fault \`pod-kill\` at \`steps[0].fault\` is not supported by the local backend; it supports: ${LOCAL_FAULTS}`)],
  },
  {
    name: 'etcd-data-loss on the kubernetes backend',
    yaml: edit(K8S_BASE, ['    fault: node-crash\n', '    fault: etcd-data-loss\n']),
    expected: [at(20, 12, `Fault \`etcd-data-loss\` at \`steps[0].fault\` is not supported by the kubernetes backend; it supports: ${KUBERNETES_FAULTS}`)],
  },
  {
    name: 'zone-partition in loopback mode',
    yaml: edit(BASE, ['  backend: local\n', '  backend: local\n  privilege: loopback\n'], ['    fault: node-crash\n    node: a-1\n', '    fault: zone-partition\n    zone: a\n']),
    expected: [at(16, 12, `Fault \`zone-partition\` at \`steps[0].fault\` cannot run here: zone-partition ${LOOPBACK}`)],
  },
  {
    name: 'node-isolation in loopback mode',
    yaml: edit(BASE, ['  backend: local\n', '  backend: local\n  privilege: loopback\n'], ['    fault: node-crash\n', '    fault: node-isolation\n']),
    expected: [at(16, 12, `Fault \`node-isolation\` at \`steps[0].fault\` cannot run here: node-isolation ${LOOPBACK}`)],
  },

  // ── what a fault is expected to do, and how long a checkpoint holds ──────────────────────
  {
    name: 'fault `expect` that is not a known expectation',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    expect: none']),
    expected: [at(18, 13, 'Expected `steps[0].expect` to be one of "no-impact", got `"none"` (string)')],
  },
  {
    name: 'fault `expect` misspelt `no-imapct`',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    expect: no-imapct']),
    expected: [at(18, 13, 'Expected `steps[0].expect` to be one of "no-impact", got `"no-imapct"` (string); did you mean "no-impact"?')],
  },
  {
    name: 'fault `expect` as a boolean',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    expect: true']),
    expected: [at(18, 13, 'Expected `steps[0].expect` to be one of "no-impact", got `true` (boolean)')],
  },
  {
    name: '`expect` on a wait step',
    yaml: edit(BASE, ['    timeout: 5m', '    timeout: 5m\n    expect: no-impact']),
    expected: [at(20, 5, 'Unknown key `steps[1].expect`. Expected one of: wait, name, at, timeout.')],
  },
  {
    name: 'checkpoint `rehearsal` that is not a duration',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - checkpoint: Anyone?\n    rehearsal: soon']),
    expected: [at(19, 16, `Expected \`steps[1].rehearsal\` to be a duration like ${DURATION}, got \`"soon"\` (string)`)],
  },
  {
    name: 'negative checkpoint `rehearsal`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - checkpoint: Anyone?\n    rehearsal: -5s']),
    expected: [at(19, 16, `Expected \`steps[1].rehearsal\` to be a duration like ${DURATION}, got \`"-5s"\` (string)`)],
  },
  {
    name: 'checkpoint key misspelt `rehersal`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - checkpoint: Anyone?\n    rehersal: 30s']),
    expected: [at(19, 5, 'Unknown key `steps[1].rehersal`; did you mean `rehearsal`? Expected one of: checkpoint, name, at, timeout, record, rehearsal.')],
  },

  // ── step names, reverts and ordering ─────────────────────────────────────────────────────
  {
    name: 'duplicate step names',
    yaml: edit(BASE, ['  - wait: service-restored\n', '  - wait: service-restored\n    name: crash\n']),
    expected: [at(19, 11, 'Expected `steps[1].name` to be unique, got `"crash"` (string), already used by steps[0]')],
  },
  {
    name: 'revert naming a missing step',
    yaml: edit(BASE, ['verifications:', '  - revert: crsh\nverifications:']),
    expected: [at(20, 13, 'Expected `steps[2].revert` to name an earlier fault step (earlier fault steps: crash), got `"crsh"` (string); did you mean "crash"?')],
  },
  {
    name: 'revert before its fault',
    yaml: edit(BASE, ['  - name: crash\n', '  - revert: crash\n  - name: crash\n']),
    expected: [at(14, 13, 'Expected `steps[0].revert` to name an earlier fault step (there is no named fault step before it), got `"crash"` (string)')],
  },
  {
    name: 'revert naming a wait step',
    yaml: edit(BASE, ['  - wait: service-restored\n', '  - wait: service-restored\n    name: restored\n'], ['verifications:', '  - revert: restored\nverifications:']),
    expected: [at(21, 13, 'Expected `steps[2].revert` to name an earlier fault step (earlier fault steps: crash), got `"restored"` (string)')],
  },
  {
    name: '`at` going backwards',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    at: 2m'], ['    timeout: 5m', '    timeout: 5m\n    at: 1m']),
    expected: [at(21, 9, 'Expected `steps[1].at` to be no earlier than steps[0].at (2m), got 1m: steps run in the order written')],
  },

  // ── load and workload ────────────────────────────────────────────────────────────────────
  {
    name: 'k6 without a script',
    yaml: edit(BASE, ['  driver: ledger', '  driver: k6']),
    expected: [
      at(11, 3, "Expected `load.script` to be set to a k6 script when `load.driver` is \"k6\", got nothing"),
      at(21, 13, "Expected `verifications[0].verify` to be a check this drill can run, got `\"ledger-readback\"` (string): `load.driver` is \"k6\", so there is no ledger to read back"),
    ],
  },
  {
    name: 'a script without k6',
    yaml: edit(BASE, ['  rate: 50', '  rate: 50\n  script: fixtures/k6/ledger.js']),
    expected: [at(13, 3, 'Expected `load.script` only with `load.driver: k6`, got it with driver "ledger"')],
  },
  {
    name: 'a load in the cluster on the local backend',
    yaml: edit(BASE, ['  rate: 50', '  rate: 50\n  runIn: cluster']),
    expected: [at(13, 10, 'Expected `load.runIn: cluster` only with `target.backend: kubernetes`, got backend "local"')],
  },
  {
    name: 'ledger-readback without any load',
    yaml: edit(BASE, ['  driver: ledger', '  driver: none']),
    expected: [at(21, 13, 'Expected `verifications[0].verify` to be a check this drill can run, got `"ledger-readback"` (string): `load.driver` is "none", so there is no ledger to read back')],
  },
  {
    name: 'the data-loss abort with pgbench, which keeps no ledger',
    yaml: edit(BASE, ['  driver: ledger', '  driver: pgbench'], ['verifications:\n  - verify: ledger-readback\n', 'abort:\n  dataLoss: true\n']),
    expected: [at(21, 13, 'Expected `abort.dataLoss` to be false, got true: `load.driver` is "pgbench", so there is no ledger in which to notice a lost write')],
  },
  {
    name: 'a MongoDB workload',
    yaml: edit(BASE, ['load:', 'workload:\n  type: mongodb\nload:']),
    expected: [at(11, 9, 'Expected `workload.type` to be "postgresql", got `"mongodb"` (string): MongoDB workloads are planned but not supported yet')],
  },
  {
    name: '`maxLag` on a probe other than replication-lag',
    yaml: edit(BASE, ['verifications:', 'steadyState:\n  before:\n    - probe: write-availability\n      maxLag: 5s\nverifications:']),
    expected: [at(23, 7, 'Expected `steadyState.before[0].maxLag` only with `probe: replication-lag`, got it with probe "write-availability"')],
  },
  {
    name: '`abort.errorRate.above` over 100%',
    yaml: edit(BASE, ['verifications:', 'abort:\n  errorRate:\n    above: 150\n    for: 30s\nverifications:']),
    expected: [at(22, 12, 'Expected `abort.errorRate.above` to be a percentage of failed writes, from 0 to 100 (at most 100), got `150` (number)')],
  },
  {
    name: 'an empty list of report formats',
    yaml: edit(BASE, ['verifications:', 'report:\n  formats: []\nverifications:']),
    expected: [at(21, 12, 'Expected `report.formats` to be a list of at least 1 item, got `[]` (array)')],
  },

  // ── restore ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'restore point-in-time without `pointInTime`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    from: point-in-time']),
    expected: [at(18, 5, 'Expected `steps[1].pointInTime` to be "before-fault" or an ISO 8601 timestamp when `from` is "point-in-time", got nothing')],
  },
  {
    name: '`pointInTime` with `from: latest`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    pointInTime: before-fault']),
    expected: [at(19, 5, 'Expected `steps[1].pointInTime` only with `from: point-in-time`, got it with from "latest"')],
  },
  {
    name: '`pointInTime: yesterday`',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    from: point-in-time\n    pointInTime: yesterday']),
    expected: [at(20, 18, 'Expected `steps[1].pointInTime` to be "before-fault" or an ISO 8601 timestamp; needed when from is "point-in-time", got `"yesterday"` (string)')],
  },

  {
    name: 'restore "before-fault" with no fault before it',
    yaml: edit(BASE, ['  - name: crash\n    fault: node-crash\n    node: a-1\n    duration: 30s\n', '  - action: backup\n'], ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    from: point-in-time\n    pointInTime: before-fault']),
    expected: [at(17, 18, 'Expected a fault step before steps[1] when `steps[1].pointInTime` is "before-fault", got none: name a timestamp instead, or inject the fault first')],
  },

  {
    name: 'restore into a fresh cluster that was never lost',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - action: restore\n    into: fresh-cluster']),
    expected: [at(19, 11, 'Expected a cluster-loss fault step before steps[1] when `steps[1].into` is "fresh-cluster" (it replaces the lost cluster), got none: inject cluster-loss first, or restore into "scratch-instance" beside the running cluster')],
  },

  // ── fault parameters ─────────────────────────────────────────────────────────────────────
  {
    name: 'memory-stress size with a space',
    yaml: edit(K8S_BASE, ['    fault: node-crash\n    node: primary\n', '    fault: memory-stress\n    size: 1 GB\n']),
    expected: [at(21, 11, 'Expected `steps[0].size` to be a size like "256MB", got `"1 GB"` (string)')],
  },
  {
    name: 'zone-pair-partition of a zone with itself',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: zone-pair-partition\n    zones: [a, a]\n']),
    expected: [
      at(16, 12, "`steps[0].zones`: the two zones must be different, like [\"a\", \"b\"]"),
    ],
  },
  {
    name: 'network-delay with both `zone` and `pod`',
    yaml: edit(K8S_BASE, ['    fault: node-crash\n    node: primary\n', '    fault: network-delay\n    zone: zone-a\n    pod: primary\n    latency: 100ms\n']),
    expected: [at(22, 10, 'give at most one of `zone` and `pod` (with neither, every pod of the workload is delayed)')],
  },

  // ── names from the local topology (fixtures/topologies/three-zones.yaml) ─────────────────
  {
    name: 'unknown node `a1`',
    yaml: edit(BASE, ['    node: a-1', '    node: a1']),
    expected: [at(16, 11, 'Expected `steps[0].node` to be a node of the topology (a-1, b-1, c-1) or "primary" or "replica", got `"a1"` (string); did you mean "a-1"?')],
  },
  {
    name: 'unknown node `a-2` (a node of six-nodes.yaml)',
    yaml: edit(BASE, ['    node: a-1', '    node: a-2']),
    expected: [at(16, 11, 'Expected `steps[0].node` to be a node of the topology (a-1, b-1, c-1) or "primary" or "replica", got `"a-2"` (string); did you mean "a-1"?')],
  },
  {
    name: 'unknown zone `d`',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: zone-outage\n    zone: d\n']),
    expected: [at(16, 11, 'Expected `steps[0].zone` to be a zone of the topology (a, b, c) or "primary", got `"d"` (string)')],
  },
  {
    name: '`zone: replica` (a role that names no zone)',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: zone-outage\n    zone: replica\n']),
    expected: [at(16, 11, 'Expected `steps[0].zone` to be a zone of the topology (a, b, c) or "primary", got `"replica"` (string)')],
  },
  {
    name: 'unknown zone in a zone pair',
    yaml: edit(BASE, ['    fault: node-crash\n    node: a-1\n', '    fault: zone-pair-partition\n    zones: [a, x]\n']),
    expected: [at(16, 16, 'Expected `steps[0].zones[1]` to be a zone of the topology (a, b, c) or "primary", got `"x"` (string)')],
  },

  // ── targets: allow-lists, tier policy and compliance ─────────────────────────────────────
  {
    name: 'kube context not in the allow-list',
    yaml: edit(K8S_BASE, ['  context: kind-kdrill', '  context: prod-eu-1']),
    expected: [at(10, 12, 'Expected `target.context` to be one of the allowed contexts (kind-kdrill), got `"prod-eu-1"` (string): kdrill refuses a context the scenario does not allow')],
  },
  {
    name: 'namespace not in the allow-list',
    yaml: edit(K8S_BASE, ['  namespace: kdrill-pg', '  namespace: payments']),
    expected: [at(11, 14, 'Expected `target.namespace` to be one of the allowed namespaces (kdrill-pg), got `"payments"` (string): kdrill refuses a namespace the scenario does not allow')],
  },
  {
    name: 'HIPAA with an RTO override of 8h',
    yaml: edit(BASE, ['  name: tier1\n', '  name: tier1\n  compliance: [HIPAA]\n  overrides:\n    rto: 8h\n']),
    expected: [at(10, 10, 'Expected `tier.overrides.rto` to be at most 4h (required by HIPAA), got 8h')],
  },
  {
    name: 'trading with an RPO override of 5s',
    yaml: edit(BASE, ['  name: tier1\n', '  name: tier0\n  compliance: [trading]\n  overrides:\n    rpo: 5s\n']),
    expected: [at(10, 10, 'Expected `tier.overrides.rpo` to be at most 0s (required by trading), got 5s')],
  },
  {
    name: 'GDPR with a retention override of 90d',
    yaml: edit(BASE, ['  name: tier1\n', '  name: tier1\n  compliance: [GDPR]\n  overrides:\n    retention: 90d\n']),
    expected: [at(10, 16, 'Expected `tier.overrides.retention` to be at most 30d (required by GDPR), got 90d')],
  },
  {
    name: 'a tier policy file that does not exist',
    yaml: edit(BASE, ['  name: tier1\n', '  name: tier1\n  policy: policies/missing.yaml\n']),
    expected: [
      at(8, 11, `Cannot read the tier policy file ${join(PACKAGE_ROOT, "policies/missing.yaml")} (looked beside the scenario, then in the kdrill package): no such file`),
    ],
  },
  {
    name: 'a topology file that does not exist',
    yaml: edit(BASE, ['  backend: local\n', '  backend: local\n  topology: fixtures/topologies/nine-zones.yaml\n']),
    expected: [
      at(10, 13, `Cannot read the topology file ${join(PACKAGE_ROOT, "fixtures/topologies/nine-zones.yaml")} (looked beside the scenario, then in the kdrill package): no such file`),
    ],
  },

  // ── the document itself ──────────────────────────────────────────────────────────────────
  {
    name: 'wrong apiVersion',
    yaml: edit(BASE, ['apiVersion: kdrill.dev/v1alpha1', 'apiVersion: kdrill.dev/v1']),
    expected: [at(1, 13, 'Expected `apiVersion` to be "kdrill.dev/v1alpha1", got `"kdrill.dev/v1"` (string); did you mean "kdrill.dev/v1alpha1"?')],
  },
  {
    name: 'wrong kind',
    yaml: edit(BASE, ['kind: Scenario', 'kind: Senario']),
    expected: [at(2, 7, 'Expected `kind` to be "Scenario", got `"Senario"` (string); did you mean "Scenario"?')],
  },
  {
    name: 'YAML syntax error (unclosed flow sequence)',
    yaml: edit(BASE, ['  rate: 50', '  rate: [50']),
    expected: [at(13, 1, 'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]')],
  },
  {
    name: 'YAML syntax error (uneven indentation)',
    yaml: edit(BASE, ['  cadence: monthly', ' cadence: monthly']),
    expected: [at(5, 1, 'YAML syntax: All mapping items must start at the same column')],
  },
  {
    name: 'YAML tab indentation',
    yaml: edit(BASE, ['  rate: 50', '\trate: 50']),
    expected: [at(12, 1, 'YAML syntax: Tabs are not allowed as indentation')],
  },
  {
    name: 'duplicate YAML key',
    yaml: edit(BASE, ['  rate: 50', '  rate: 50\n  rate: 60']),
    expected: [
      at(13, 3, "YAML syntax: the key `rate` appears twice in the same mapping"),
    ],
  },
  {
    name: 'duplicate YAML key inside a step',
    yaml: edit(BASE, ['    duration: 30s', '    duration: 30s\n    duration: 60s']),
    expected: [
      at(18, 5, "YAML syntax: the key `duration` appears twice in the same mapping"),
    ],
  },
  {
    name: 'an alias bomb',
    yaml: 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    expected: [at(1, 1, 'YAML: Excessive alias count indicates a resource exhaustion attack')],
  },
  {
    name: 'an alias to an anchor that does not exist',
    yaml: edit(BASE, ['  - wait: service-restored\n    timeout: 5m', '  - *nope']),
    expected: [
      at(18, 5, "YAML: the alias *nope refers to no anchor &nope before it"),
    ],
  },
  {
    name: 'an empty file',
    yaml: '',
    expected: [at(1, 1, `Expected the file to hold ${SCENARIO}, got an empty document`)],
  },
  {
    name: 'a file of comments only',
    yaml: '# yaml-language-server: $schema=../../schema/scenario.schema.json\n# TODO: write the drill\n',
    expected: [at(1, 1, `Expected the file to hold ${SCENARIO}, got an empty document`)],
  },
  {
    name: 'a list as the document',
    yaml: '- apiVersion: kdrill.dev/v1alpha1\n- kind: Scenario\n',
    expected: [at(1, 1, `Expected the file to hold ${SCENARIO} as a mapping of keys to values, got a list`)],
  },
  {
    name: 'a scalar as the document',
    yaml: 'hello\n',
    expected: [at(1, 1, `Expected the file to hold ${SCENARIO} as a mapping of keys to values, got \`hello\` (string)`)],
  },

  // ── several problems at once, sorted by line ─────────────────────────────────────────────
  {
    name: 'several schema errors, reported together in line order',
    yaml: edit(BASE, ['  - verify: ledger-readback', '  - verify: checksum'], ['  cadence: monthly', '  cadence: weekly'], ['    duration: 30s', '    duration: 0s'], ['  rate: 50', '  rate: -1']),
    expected: [
      at(5, 12, "Expected `metadata.cadence` to be one of \"monthly\", \"quarterly\", \"semiannual\", \"annual\", \"adhoc\", got `\"weekly\"` (string)"),
      at(12, 9, "Expected `load.rate` to be writes per second (a whole number from 1), or \"max\" for as fast as possible (at least 1), got `-1` (number)"),
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"0s\"` (string)"),
      at(21, 13, "Expected `verifications[0].verify` to be one of \"ledger-readback\", \"seeded-checksum\", \"amcheck\", \"replica-consistency\", \"restore-writable\", \"residency\", \"retention\", got `\"checksum\"` (string)"),
    ],
  },
  {
    name: 'several cross-field errors, reported together in line order',
    yaml: edit(BASE, ['  - wait: service-restored\n', '  - wait: service-restored\n    name: crash\n'], ['    node: a-1', '    node: d-1'], ['  driver: ledger', '  driver: k6']),
    expected: [
      at(11, 3, "Expected `load.script` to be set to a k6 script when `load.driver` is \"k6\", got nothing"),
      at(16, 11, "Expected `steps[0].node` to be a node of the topology (a-1, b-1, c-1) or \"primary\" or \"replica\", got `\"d-1\"` (string)"),
      at(19, 11, "Expected `steps[1].name` to be unique, got `\"crash\"` (string), already used by steps[0]"),
      at(22, 13, "Expected `verifications[0].verify` to be a check this drill can run, got `\"ledger-readback\"` (string): `load.driver` is \"k6\", so there is no ledger to read back"),
    ],
  },
  {
    name: 'schema and cross-field errors, reported together',
    yaml: edit(BASE, ['  cadence: monthly', '  cadence: weekly'], ['    fault: node-crash\n    node: a-1\n', '    fault: pod-kill\n    pod: primary\n']),
    expected: [
      at(5, 12, 'Expected `metadata.cadence` to be one of "monthly", "quarterly", "semiannual", "annual", "adhoc", got `"weekly"` (string)'),
      at(15, 12, `Fault \`pod-kill\` at \`steps[0].fault\` is not supported by the local backend; it supports: ${LOCAL_FAULTS}`),
    ],
  },
  {
    name: 'a duration error among other errors',
    yaml: edit(BASE, ['  cadence: monthly', '  cadence: weekly'], ['    duration: 30s', '    duration: ninety']),
    expected: [
      at(5, 12, "Expected `metadata.cadence` to be one of \"monthly\", \"quarterly\", \"semiannual\", \"annual\", \"adhoc\", got `\"weekly\"` (string)"),
      at(17, 15, "Expected `steps[0].duration` to be a duration greater than zero, like \"500ms\", \"90s\", \"15m\", \"1h\" or ISO 8601 \"PT5M\", got `\"ninety\"` (string)"),
    ],
  },
];

// What the loader reports for one document, as `file:line:column: message` lines.
function problems(yaml: string): string[] {
  try {
    parseScenario(yaml, FILE);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
  }
  return [];
}

describe('invalid scenario catalogue', () => {
  it('has a valid base document', () => {
    expect(problems(BASE)).toEqual([]);
    expect(problems(K8S_BASE)).toEqual([]);
  });

  it('has at least 30 named cases with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    const test = c.loaderBug ? it.fails : it;
    test(c.name, () => {
      expect(problems(c.yaml)).toEqual(c.expected);
    });
  }
});

describe('ScenarioError', () => {
  const yaml = edit(BASE, ['  cadence: monthly', '  cadence: monthy'], ['  - verify: ledger-readback', '  - verify: checksum']);

  function caught(): ScenarioError {
    try {
      parseScenario(yaml, FILE);
    } catch (error) {
      if (error instanceof ScenarioError) return error;
      throw error;
    }
    throw new Error('expected a ScenarioError');
  }

  it('locates every issue in the file, from line 1 and column 1', () => {
    for (const issue of caught().issues) {
      expect(issue.file).toBe(FILE);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message).not.toBe('');
    }
  });

  it('carries the code SCENARIO_INVALID and a one-line short message', () => {
    const error = caught();
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.shortMessage.split('\n')).toHaveLength(1);
    expect(error.shortMessage).toContain('(and 1 more)');
  });

  // The contract of ScenarioError.message: one `file:line:column: message` line per issue.
  it('formats .message as one `file:line:column: message` line per issue', () => {
    const error = caught();
    expect(error.message).toBe(
      [
        at(5, 12, 'Expected `metadata.cadence` to be one of "monthly", "quarterly", "semiannual", "annual", "adhoc", got `"monthy"` (string); did you mean "monthly"?'),
        at(
          21,
          13,
          'Expected `verifications[0].verify` to be one of "ledger-readback", "seeded-checksum", "amcheck", "replica-consistency", "restore-writable", "residency", "retention", got `"checksum"` (string)',
        ),
      ].join('\n'),
    );
  });
});

describe('ScenarioIssue.path', () => {
  it('names the field the way the messages do', () => {
    try {
      parseScenario(BASE.replace('    duration: 30s', '    duration: ninety'), FILE);
      throw new Error('expected a ScenarioError');
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      expect(error.issues.map((i) => i.path)).toEqual(['steps[0].duration']);
    }
  });
});
