import { ScenarioError, formatIssue } from '../../common/errors.js';
import { loadScenarioFile } from '../../scenario/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

// Validates every file and reports every problem of every file; exits 2 when any is invalid.
export async function validateCommand(files: string[], opts: { json?: boolean }, output: Output): Promise<number> {
  const results: { file: string; valid: boolean; issues: ScenarioError['issues']; error?: string }[] = [];
  for (const file of files) {
    try {
      const loaded = await loadScenarioFile(file);
      results.push({ file, valid: true, issues: [] });
      if (!opts.json) output.out(`✓ ${file}: ${loaded.scenario.metadata.name} (${loaded.scenario.target.backend}, ${loaded.targets.tier}, ${loaded.scenario.steps.length} steps)`);
    } catch (error) {
      if (error instanceof ScenarioError) {
        results.push({ file, valid: false, issues: error.issues });
        if (!opts.json) for (const issue of error.issues) output.out(formatIssue(issue));
      } else {
        const message = error instanceof Error ? error.message : String(error);
        results.push({ file, valid: false, issues: [], error: message });
        if (!opts.json) output.out(`${file}: ${message}`);
      }
    }
  }
  const invalid = results.filter((r) => !r.valid).length;
  if (opts.json) output.out(JSON.stringify({ valid: invalid === 0, files: results }, null, 2));
  else if (files.length > 1 || invalid > 0) {
    const problems = results.reduce((n, r) => n + r.issues.length + (r.error ? 1 : 0), 0);
    output.out(invalid === 0 ? `${files.length} scenarios valid` : `${invalid} of ${files.length} scenario${files.length === 1 ? '' : 's'} invalid, ${problems} problem${problems === 1 ? '' : 's'}`);
  }
  return invalid === 0 ? ExitCode.passed : ExitCode.invalidInput;
}
