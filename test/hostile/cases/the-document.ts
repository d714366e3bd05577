import { edit, LOCAL, type HostileCase } from './types.js';

// The scenario file itself: what it is, how large, and how its YAML is shaped.
const FAKE = edit(LOCAL, ['  backend: local\n', '  backend: fake\n']);
const nested = (open: string, close: string, depth: number) => `${FAKE}x: ${open.repeat(depth)}1${close.repeat(depth)}\n`;

export const documentCases: HostileCase[] = [
  { name: 'the scenario is a symlink to /dev/zero', files: { 'scenario.yaml': { symlink: '/dev/zero' } }, expect: { code: 2, at: 'scenario.yaml', message: /expected a regular file, got a character device/ } },
  { name: 'the scenario is a symlink to /dev/urandom', files: { 'scenario.yaml': { symlink: '/dev/urandom' } }, expect: { code: 2, at: 'scenario.yaml', message: /character device/ } },
  { name: 'the scenario is a FIFO', files: { 'scenario.yaml': { fifo: true } }, expect: { code: 2, at: 'scenario.yaml', message: /got a FIFO/ } },
  { name: 'the scenario is a directory', files: { 'scenario.yaml': { dir: true } }, expect: { code: 2, at: 'scenario.yaml', message: /directory/ } },
  { name: 'the scenario does not exist', files: {}, expect: { code: 2, at: 'scenario.yaml', message: /no such file/ } },
  { name: 'the scenario is over the size limit', files: { 'scenario.yaml': { head: FAKE, repeat: '# a comment line that pads the file out\n', times: 40_000 } }, expect: { code: 2, at: 'scenario.yaml', message: /expected at most 1 MiB/ } },
  { name: 'the scenario is binary', files: { 'scenario.yaml': { bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]) } }, expect: { code: 2, at: 'scenario.yaml', message: /binary/ } },
  { name: 'the scenario is not UTF-8', files: { 'scenario.yaml': { bytes: Buffer.concat([Buffer.from(FAKE), Buffer.from([0xc3, 0x28, 0x0a])]) } }, expect: { code: 2, at: 'scenario.yaml', message: /not UTF-8/ } },
  { name: 'the scenario is empty', files: { 'scenario.yaml': '' }, expect: { code: 2, at: 'scenario.yaml:1:1', message: /empty document/ } },
  { name: 'the scenario is only comments', files: { 'scenario.yaml': '# nothing here\n' }, expect: { code: 2, at: 'scenario.yaml:1:1' } },
  { name: 'a second YAML document', files: { 'scenario.yaml': `${FAKE}---\nmetadata: { name: other }\n` }, expect: { code: 2, at: 'scenario.yaml:22:1', message: /expected one document, got 2/ } },
  { name: 'a second document after an end marker', files: { 'scenario.yaml': `${FAKE}...\n---\nsteps: []\n` }, expect: { code: 2, at: 'scenario.yaml:23:1', message: /one document/ } },
  { name: 'three thousand nested flow mappings', files: { 'scenario.yaml': nested('{a: ', '}', 3000) }, expect: { code: 2, at: 'scenario.yaml:22:', message: /at most 64 levels/ } },
  { name: 'three hundred nested flow lists', files: { 'scenario.yaml': nested('[', ']', 300) }, expect: { code: 2, at: 'scenario.yaml:22:', message: /at most 64 levels/ } },
  {
    name: 'two hundred nested block mappings',
    files: { 'scenario.yaml': `${FAKE}x:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 2)}a:\n`).join('')}` },
    expect: { code: 2, at: 'scenario.yaml:', message: /at most 64 levels/ },
  },
  {
    name: 'nested block sequences',
    files: { 'scenario.yaml': `${FAKE}x:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2 + 2)}-\n`).join('')}` },
    expect: { code: 2, at: 'scenario.yaml:', message: /(64 levels|YAML)/ },
  },
  {
    name: 'an alias bomb (billion laughs)',
    files: { 'scenario.yaml': `${FAKE}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n` },
    expect: { code: 2, at: 'scenario.yaml:1:1', message: /alias/ },
  },
  { name: 'an alias inside the mapping it names', files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', '  cadence: monthly\n  description: *meta\n'], ['metadata:\n', 'metadata: &meta\n']) }, expect: { code: 2, at: 'scenario.yaml:6:16', message: /contain itself/ } },
  { name: 'steps that are an alias of themselves', files: { 'scenario.yaml': `${FAKE.slice(0, FAKE.indexOf('steps:'))}steps: &s [*s]\n` }, expect: { code: 2, at: 'scenario.yaml:13:12', message: /contain itself/ } },
  {
    name: 'a 200 KB checkpoint prompt aliased fifty times',
    files: { 'scenario.yaml': edit(FAKE, ['  - wait: service-restored\n', `  - &big { checkpoint: "${'x'.repeat(200_000)}" }\n${'  - *big\n'.repeat(50)}  - wait: service-restored\n`]) },
    expect: { code: 2, at: 'scenario.yaml:1:1', message: /aliases expanded, to be at most 2 MiB/ },
  },
  {
    name: 'a hundred and one aliases',
    files: { 'scenario.yaml': `${FAKE}x: &x 1\ny: [${Array.from({ length: 101 }, () => '*x').join(', ')}]\n` },
    expect: { code: 2, at: 'scenario.yaml:23:', message: /at most 100 aliases/ },
  },
  {
    name: 'brackets in comments and strings do not count as nesting',
    files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n  description: "${'['.repeat(120)}"\n# ${'{'.repeat(120)}\n`]) },
    expect: { code: 0 },
  },
  { name: 'an alias to no anchor', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: *nowhere\n']) }, expect: { code: 2, at: 'scenario.yaml:12:9' } },
  {
    name: 'ten thousand unknown keys: the first hundred, then a count, in linear time',
    files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n${Array.from({ length: 10_000 }, (_, i) => `  key${i}: 1\n`).join('')}`]) },
    expect: { code: 2, at: 'scenario.yaml:6:3', message: /and 9900 more problems/ },
  },
  { name: 'six hundred steps', files: { 'scenario.yaml': edit(FAKE, ['steps:\n', `steps:\n${'  - wait: service-restored\n'.repeat(600)}`]) }, expect: { code: 2, at: 'scenario.yaml:14:3', message: /at most 500 items/ } },
  { name: 'a hundred thousand list items', files: { 'scenario.yaml': `${FAKE}x: [${'1,'.repeat(100_000)}1]\n` }, expect: { code: 2, at: 'scenario.yaml:22:', message: /at most 100000 values/ } },
  { name: 'the same key twice', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 50\n  rate: 60\n']) }, expect: { code: 2, at: 'scenario.yaml:13:3', message: /appears twice/ } },
  { name: 'a list as the document', files: { 'scenario.yaml': '- a\n- b\n' }, expect: { code: 2, at: 'scenario.yaml:1:1', message: /got a list/ } },
  { name: 'a scalar as the document', files: { 'scenario.yaml': 'just words\n' }, expect: { code: 2, at: 'scenario.yaml:1:1' } },
  { name: 'a complex key', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  ? [a, b]\n  : 1\n']) }, expect: { code: 2, at: 'scenario.yaml:12:' } },
  { name: '!!binary data as a value', files: { 'scenario.yaml': edit(FAKE, ['  name: hostile\n', '  name: !!binary aGVsbG8=\n']) }, expect: { code: 2, at: 'scenario.yaml:4:' } },
  { name: 'a tab for indentation', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '\trate: 50\n']) }, expect: { code: 2, at: 'scenario.yaml:12:' } },
  { name: 'an unterminated quoted string', files: { 'scenario.yaml': edit(FAKE, ['  name: hostile\n', '  name: "hostile\n']) }, expect: { code: 2, at: 'scenario.yaml:' } },
  { name: 'a byte-order mark before a valid scenario', files: { 'scenario.yaml': `\ufeff${FAKE}` }, expect: { code: 0 } },
  { name: 'a 900 KB description', files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n  description: ${'drill '.repeat(150_000)}\n`]) }, expect: { code: 0 } },
  {
    name: 'a 160 KB line the old redactor took 31 s over',
    files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', `  cadence: monthly\n  description: "${'password=a '.repeat(15_000)}"\n`]) },
    expect: { code: 0 },
  },
  { name: 'a 500 KB fault type', files: { 'scenario.yaml': edit(FAKE, ['    fault: node-crash\n', `    fault: ${'x'.repeat(500_000)}\n`]) }, expect: { code: 2, at: 'scenario.yaml:15:12' } },
  { name: 'a 500 KB key', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', `  rate: 50\n  ${'k'.repeat(500_000)}: 1\n`]) }, expect: { code: 2, at: 'scenario.yaml:13:3' } },
  { name: 'a number too large for a double', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 1e309\n']) }, expect: { code: 2, at: 'scenario.yaml:12:9' } },
  { name: 'a rate of a trillion', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 1000000000000\n']) }, expect: { code: 2, at: 'scenario.yaml:12:9' } },
  { name: 'a concurrency of a hundred thousand', files: { 'scenario.yaml': edit(FAKE, ['  rate: 50\n', '  rate: 50\n  concurrency: 100000\n']) }, expect: { code: 2, at: 'scenario.yaml:13:16' } },
  { name: 'steps as a mapping', files: { 'scenario.yaml': `${FAKE.slice(0, FAKE.indexOf('steps:'))}steps: { a: 1 }\n` }, expect: { code: 2, at: 'scenario.yaml:13:8' } },
  { name: 'a NUL escape inside a string', files: { 'scenario.yaml': edit(FAKE, ['  cadence: monthly\n', '  cadence: monthly\n  description: "before\\0after"\n']) }, expect: { code: 0 }, never: ['\u0000'] },
];
