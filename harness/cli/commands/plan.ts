import { escapeControl } from '../../common/control-chars.js';
import { formatWarning } from '../../common/errors.js';
import { compilePlan, formatPlan, loadScenarioFile } from '../../scenario/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';

// Dry run: the timeline, what will be touched and what will be judged. Touches nothing.
// Warnings go to stderr, one line each, so `--json` output stays one JSON document.
export async function planCommand(file: string, opts: { json?: boolean; allowDir?: string[] }, output: Output): Promise<number> {
  const loaded = await loadScenarioFile(file, { allowDirs: opts.allowDir ?? [] });
  for (const warning of loaded.warnings) output.err(escapeControl(formatWarning(warning)));
  const plan = compilePlan(loaded);
  if (opts.json) {
    const { scenarioDoc: _omit, ...rest } = plan;
    output.out(JSON.stringify(rest, null, 2));
  } else {
    output.out(formatPlan(plan));
  }
  return ExitCode.passed;
}
