import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { doctor, formatDoctor } from './doctor.js';

// Exit 0 when everything the local backend needs is present, 1 when something required is missing.
export async function doctorCommand(opts: { json?: boolean }, output: Output): Promise<number> {
  const report = await doctor(opts);
  output.out(opts.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
  const missing = report.checks.some((c) => c.status === 'missing' && c.required !== false);
  return missing ? ExitCode.harnessError : ExitCode.passed;
}
