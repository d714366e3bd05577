import { accessSync, constants, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { redactText } from '../../common/redact.js';
import type { DbTarget } from '../../db/target.js';
import type { Clock } from '../../model/time.js';
import type { RunningLoad } from '../types.js';
import { summaryFromK6, type K6Export } from './summary.js';
import { driverVariables } from '../driver-variables.js';

export const K6_SUMMARY_FILE = 'k6-summary.json';

export interface K6Options {
  readonly script: string;
  readonly target: DbTarget;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly clock: Clock;
  readonly runDir: string;
  readonly maxDurationMs: number;
  readonly log: (line: string) => void;
  readonly k6?: string;
}

// Whether `k6` runs here.
// Whether an executable `k6` is on $PATH, found without running anything: what a dry run
// may ask (it starts no program).
export function k6OnPath(binary = 'k6'): boolean {
  const dirs = binary.includes('/') ? [''] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => {
    try {
      const file = dir ? path.join(dir, binary) : binary;
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

export async function k6Installed(binary = 'k6'): Promise<boolean> {
  const result = await execa(binary, ['version'], { reject: false, timeout: 10_000 });
  return !result.failed;
}

// k6 runs the script with `concurrency` virtual users for at most the drill's length, and is
// stopped (SIGINT: it finishes its iterations and writes the summary) when the drill stops
// the load. The script reads where the database is from KDRILL_* variables; the password
// goes in the environment only, never on the command line.
export async function startK6Load(options: K6Options): Promise<RunningLoad> {
  const summaryFile = path.join(options.runDir, K6_SUMMARY_FILE);
  const { target } = options;
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--summary-export', summaryFile,
    '--vus', String(options.concurrency),
    '--duration', `${Math.ceil(options.maxDurationMs / 1000)}s`,
    ...Object.entries(driverVariables(target, options.rate)).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
    options.script,
  ];
  const binary = options.k6 ?? 'k6';
  const child: ResultPromise = execa(binary, args, { reject: false, env: { KDRILL_DB_PASSWORD: target.password }, cwd: options.runDir, all: true, buffer: { all: true } });
  const startedAt = options.clock.now();
  let stoppedAt = startedAt;
  // k6 that is not installed, or that rejects the script, ends at once: say so now.
  const early = await Promise.race([child.then((r) => r), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_500).unref())]);
  if (early) {
    const code = (early as { code?: string }).code;
    if (code === 'ENOENT') throw new KdrillError(ErrorCode.BACKEND_UNAVAILABLE, `the k6 load driver needs k6, which is not installed (${binary})`, { hint: 'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), or use `load: { driver: ledger }`' });
    const tail = redactText(String(early.all ?? '').trim().split('\n').slice(-3).join(' | '));
    throw new KdrillError(ErrorCode.STEP_FAILED, `k6 stopped before the drill began (exit ${early.exitCode ?? early.signal}): ${tail || 'no output'}`);
  }
  options.log(`load: k6 ${path.basename(options.script)}, ${options.concurrency} virtual users, through ${target.host}:${target.port}`);
  return {
    // k6 reports at the end only: while it runs, kdrill sees no counts (the error-rate abort
    // condition cannot fire on a k6 load).
    stats: () => ({ sent: 0, acked: 0, failed: 0, inDoubt: 0, connectFailures: 0 }),
    stop: async () => {
      child.kill('SIGINT');
      const result = await child;
      stoppedAt = options.clock.now();
      // 99: the script's thresholds failed; that is the load's verdict, not a broken run.
      if (result.exitCode !== 0 && result.exitCode !== 99 && result.signal !== 'SIGINT' && result.exitCode !== 105) {
        options.log(`load: k6 exited ${result.exitCode ?? result.signal}: ${redactText(String(result.all ?? '').trim().split('\n').slice(-2).join(' | '))}`);
      }
      let exported: K6Export;
      try {
        exported = JSON.parse(await readFile(summaryFile, 'utf8')) as K6Export;
      } catch (error) {
        throw new KdrillError(ErrorCode.STEP_FAILED, `k6 wrote no summary (${summaryFile}): ${(error as Error).message}`);
      }
      return summaryFromK6(exported, startedAt, stoppedAt);
    },
  };
}
