import { ScenarioError, formatIssue, formatWarning, problemCount } from '../../common/errors.js';
import { loadScenarioFile } from '../../scenario/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

// Validates every file and reports every problem of every file; exits 2 when any is invalid.
// Warnings (what a valid drill will not be able to measure) are reported too, and change nothing.
export async function validateCommand(files: string[], opts: { json?: boolean; allowDir?: string[] }, output: Output): Promise<number> {
  const results: { file: string; valid: boolean; issues: ScenarioError['issues']; warnings: ScenarioError['issues']; error?: string }[] = [];
  for (const file of files) {
    try {
      const loaded = await loadScenarioFile(file, { allowDirs: opts.allowDir ?? [] });
      results.push({ file, valid: true, issues: [], warnings: loaded.warnings });
      if (!opts.json) {
        output.out(`✓ ${file}: ${loaded.scenario.metadata.name} (${loaded.scenario.target.backend}, ${loaded.targets.tier}, ${loaded.scenario.steps.length} steps)`);
        for (const warning of loaded.warnings) output.out(formatWarning(warning));
      }
    } catch (error) {
      if (error instanceof ScenarioError) {
        results.push({ file, valid: false, issues: error.issues, warnings: [] });
        if (!opts.json) for (const issue of error.issues) output.out(formatIssue(issue));
      } else {
        const message = error instanceof Error ? error.message : String(error);
        results.push({ file, valid: false, issues: [], warnings: [], error: message });
        if (!opts.json) output.out(`${file}: ${message}`);
      }
    }
  }
  const invalid = results.filter((r) => !r.valid).length;
  if (opts.json) output.out(JSON.stringify({ valid: invalid === 0, files: results }, null, 2));
  else if (files.length > 1 || invalid > 0) {
    const problems = results.reduce((n, r) => n + problemCount(r.issues) + (r.error ? 1 : 0), 0);
    const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
    const warned = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    output.out(invalid === 0 ? `${files.length} scenarios valid${warned}` : `${invalid} of ${files.length} scenario${files.length === 1 ? '' : 's'} invalid, ${problems} problem${problems === 1 ? '' : 's'}${warned}`);
  }
  return invalid === 0 ? ExitCode.passed : ExitCode.invalidInput;
}
