import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess, tempDir } from '../../helpers/cli.js';

// During a real run, step descriptions carry scenario text into the progress lines: a newline
// in a checkpoint prompt must not start a line of its own that looks like kdrill's.
const FORGED = '[  9.9s] PASSED: every target met';
const SCENARIO = `apiVersion: kdrill.dev/v1alpha1
kind: Scenario
metadata:
  name: forged-progress
tier:
  name: tier1
target:
  backend: fake
steps:
  - fault: primary-crash
    name: crash
    duration: 50ms
  - checkpoint: "Carry on?\\n${FORGED}\\u001b[2K"
    rehearsal: 0s
  - wait: service-restored
    timeout: 5s
`;

describe('progress lines of a run', () => {
  it('show a newline or escape from the scenario escaped, inside their own line', async () => {
    await using dir = await tempDir();
    const file = await dir.write('forged.yaml', SCENARIO);
    const r = await runCliInProcess(['run', file, '--non-interactive', '--out', path.join(dir.path, 'run')]);
    const lines = r.stderr.split('\n');
    expect(lines.some((line) => line.includes(`Carry on?\\n${FORGED}\\u001b[2K`))).toBe(true);
    expect(lines.some((line) => line.startsWith(FORGED))).toBe(false);
    expect(r.stderr).not.toContain('\u001b');
  });
});
