import { edit, LOCAL, type HostileCase } from './types.js';

// Terminal escapes, carriage returns and newlines from the scenario must not reach the terminal
// raw (a forged `PASSED` or error line), and secrets in it must not reach output at all.
const FAKE = edit(LOCAL, ['  backend: local\n', '  backend: fake\n']);
const ESC = '\u001b';
const RAW = [ESC, '\r', '\u0008', '\u202e', '\u0007'];
const describe = (text: string) => edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n  description: "${text}"\n`]);

export const outputCases: HostileCase[] = [
  { name: 'a description that clears the screen', files: { 'scenario.yaml': describe('\\e[2J\\e[Hall clear') }, expect: { code: 0 }, never: RAW },
  { name: 'a description forging a PASSED line', files: { 'scenario.yaml': describe('fine\\n✓ PASSED: every target met') }, expect: { code: 0 }, never: [...RAW, '\n✓ PASSED: every target met'] },
  { name: 'a description with a carriage return over the line', files: { 'scenario.yaml': describe('harmless\\rPASSED') }, expect: { code: 0 }, never: RAW },
  { name: 'a description with a bidi override', files: { 'scenario.yaml': describe('abc\\u202Edcba') }, expect: { code: 0 }, never: RAW },
  { name: 'a description with a bell and backspaces', files: { 'scenario.yaml': describe('ring\\a\\b\\b\\bgone') }, expect: { code: 0 }, never: RAW },
  { name: 'an OSC 8 hyperlink escape', files: { 'scenario.yaml': describe('\\e]8;;https://example.invalid\\e\\\\click\\e]8;;\\e\\\\') }, expect: { code: 0 }, never: RAW },
  { name: 'a metadata.name with an escape', files: { 'scenario.yaml': edit(FAKE, ['  name: hostile\n', '  name: "host\\e[31mile"\n']) }, expect: { code: 2, at: 'scenario.yaml:4:9' }, never: RAW },
  { name: 'an unknown key with an escape', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 50\n  "ra\\e[2Kte": 1\n']) }, expect: { code: 2, at: 'scenario.yaml:13:3' }, never: RAW },
  { name: 'a backend value forging an error line', files: { 'scenario.yaml': edit(FAKE, ['  backend: fake\n', '  backend: "fake\\nscenario.yaml:1:1: all good"\n']) }, expect: { code: 2, at: 'scenario.yaml:9:12' }, never: [...RAW, '\nscenario.yaml:1:1: all good'] },
  { name: 'a fault type with an escape', files: { 'scenario.yaml': edit(FAKE, ['    fault: node-crash\n', '    fault: "node-crash\\e[8m"\n']) }, expect: { code: 2, at: 'scenario.yaml:15:12' }, never: RAW },
  {
    name: 'a checkpoint whose text forges a verdict',
    files: { 'scenario.yaml': edit(FAKE, ['  - wait: service-restored\n', '  - checkpoint: "Continue?\\n✓ PASSED\\e[2K"\n  - wait: service-restored\n']) },
    expect: { code: 0 },
    never: [...RAW, '\n✓ PASSED'],
  },
  {
    name: 'game-day participants with escapes in their names',
    files: { 'scenario.yaml': `${FAKE}gameDay:\n  facilitator: "Ann\\e[31m"\n  participants:\n    - { name: "Bob\\rX", role: "scribe\\u202E" }\n` },
    expect: { code: 0 },
    never: RAW,
  },
  { name: 'validate --json keeps the output JSON with escapes', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: "\\e[2J\\"quoted\\""\n']) }, commands: ['validate'], args: ['--json'], expect: { code: 2, at: 'scenario.yaml' }, never: RAW },
  {
    name: 'a connection string with a password in the description',
    files: { 'scenario.yaml': describe('restore from postgres://admin:S3cretPass@db.example.invalid/prod') },
    expect: { code: 0 },
    never: ['S3cretPass'],
  },
  {
    name: 'a JSON-form secret in the description',
    files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n  description: '{"password":"Hunter2Secret","user":"x"}'\n`]) },
    expect: { code: 0 },
    never: ['Hunter2Secret'],
  },
  { name: 'a key=value secret in an unknown key', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 50\n  password: TopSecretValue\n']) }, expect: { code: 2, at: 'scenario.yaml:13:3' }, never: ['TopSecretValue'] },
  {
    name: "a scenario whose file name holds 'token' keeps its locations",
    entry: 'token-rotation.yaml',
    files: { 'token-rotation.yaml': edit(FAKE, ['  rate: 50\n', '  rate: fast\n']) },
    expect: { code: 2, at: 'token-rotation.yaml:12:9' },
  },
  {
    name: "validate --json of a file in a 'secret' folder stays JSON and located",
    entry: 'secret-drills/scenario.yaml',
    files: { 'secret-drills/scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: fast\n']) },
    commands: ['validate'],
    args: ['--json'],
    expect: { code: 2, at: '"line": 12' },
  },
];
