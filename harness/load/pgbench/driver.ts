import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { withDb, type DbTarget } from '../../db/target.js';
import type { Clock } from '../../model/time.js';
import type { RunningLoad } from '../types.js';
import type { LoadStats, LoadSummary } from '../../model/load.js';
import { isClientAbort, parseProgress } from './output.js';

export const PGBENCH_TABLE = 'kdrill_pgbench';
const SCRIPT = `insert into ${PGBENCH_TABLE} (payload) values (repeat('x', 64));\n`;

export interface PgbenchLoadOptions {
  readonly target: DbTarget;
  readonly rate: number | 'max';
  readonly concurrency: number;
  readonly clock: Clock;
  readonly workDir: string; // where the script file goes (the run directory)
  // pgbench runs at most this long, so a harness killed with -9 cannot leave it running forever.
  readonly maxDurationMs: number;
  readonly log?: (line: string) => void;
}

// The table pgbench inserts into, empty at the start of each run.
export async function preparePgbenchTable(target: DbTarget): Promise<void> {
  await withDb(target, 10_000, async (client) => {
    await client.query(`drop table if exists ${PGBENCH_TABLE}`);
    await client.query(`create table ${PGBENCH_TABLE} (id bigserial primary key, payload text not null, written_at timestamptz not null default clock_timestamp())`);
  });
}

// The arguments of one pgbench run: one INSERT per transaction, prepared statements, a progress
// report every second. The password goes through PGPASSWORD, never the command line.
export function pgbenchArgs(o: Pick<PgbenchLoadOptions, 'target' | 'rate' | 'concurrency'>, scriptFile: string, durationS: number): string[] {
  return [
    '--no-vacuum',
    `--file=${scriptFile}`,
    `--client=${o.concurrency}`,
    `--jobs=${Math.min(o.concurrency, 2)}`,
    `--time=${Math.max(1, Math.ceil(durationS))}`,
    '--progress=1',
    '--protocol=prepared',
    ...(o.rate === 'max' ? [] : [`--rate=${o.rate}`]),
    `--host=${o.target.host}`,
    `--port=${o.target.port}`,
    `--username=${o.target.user}`,
    o.target.database,
  ];
}

/**
 * Real pgbench as a load source. pgbench ends a client whose connection is lost and exits
 * when none is left, so across a failover it is started again (after a short pause) until
 * the load is stopped. Counts come from its per-second progress reports (transactions =
 * tps × interval, rounded); a client abort counts as one transaction in doubt. It keeps no
 * per-write ledger: lost writes cannot be counted with it, only throughput and availability.
 */
export async function startPgbenchLoad(o: PgbenchLoadOptions): Promise<RunningLoad> {
  const scriptFile = path.join(o.workDir, 'pgbench-insert.sql');
  await writeFile(scriptFile, SCRIPT, { mode: 0o644 });
  const startedAt = o.clock.now();
  const counts = { acked: 0, failed: 0, inDoubt: 0, starts: 0, restarts: 0 };
  const errors: Record<string, number> = {};
  let latencySum = 0;
  let latencyReports = 0;
  let stopping = false;
  let child: ChildProcess | undefined;

  const runOnce = (): Promise<void> =>
    new Promise((resolve) => {
      const remainingS = (o.maxDurationMs - (o.clock.now() - startedAt)) / 1000;
      counts.starts++;
      const proc = spawn('pgbench', pgbenchArgs(o, scriptFile, remainingS), {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, PGPASSWORD: o.target.password, PGCONNECT_TIMEOUT: '2', PGAPPNAME: 'kdrill-pgbench' },
      });
      child = proc;
      let lastElapsed = 0;
      createInterface({ input: proc.stderr! }).on('line', (line) => {
        const report = parseProgress(line);
        if (report) {
          counts.acked += Math.round(report.tps * (report.elapsedS - lastElapsed));
          counts.failed += report.failed;
          lastElapsed = report.elapsedS;
          if (!Number.isNaN(report.latencyMs) && report.tps > 0) {
            latencySum += report.latencyMs;
            latencyReports++;
          }
        } else if (isClientAbort(line)) {
          counts.inDoubt++;
          errors['client aborted (connection lost)'] = (errors['client aborted (connection lost)'] ?? 0) + 1;
        } else if (/error|fatal|could not/i.test(line)) {
          const reason = line.replace(/^pgbench: (error: )?/, '').slice(0, 120);
          errors[reason] = (errors[reason] ?? 0) + 1;
        }
      });
      proc.on('close', () => resolve());
      proc.on('error', (error) => {
        errors[`could not start pgbench: ${error.message}`] = 1;
        resolve();
      });
    });

  const loop = (async () => {
    while (!stopping && o.clock.now() - startedAt < o.maxDurationMs) {
      await runOnce();
      if (stopping) break;
      counts.restarts++;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const stats = (): LoadStats => ({ sent: counts.acked + counts.failed + counts.inDoubt, acked: counts.acked, failed: counts.failed, inDoubt: counts.inDoubt, connectFailures: counts.restarts });
  return {
    stats,
    async stop(): Promise<LoadSummary> {
      stopping = true;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await loop;
      const stoppedAt = o.clock.now();
      const seconds = Math.max((stoppedAt - startedAt) / 1000, 1e-9);
      if (counts.restarts) errors['pgbench started again after all its clients were lost'] = counts.restarts;
      o.log?.(`pgbench: ${counts.acked} transactions in ${counts.starts} run${counts.starts === 1 ? '' : 's'}${latencyReports ? `, mean latency ${(latencySum / latencyReports).toFixed(2)} ms` : ''}`);
      const { connectFailures: _restarts, ...totals } = stats();
      return { driver: 'pgbench', startedAt, stoppedAt, ...totals, ackedPerSecond: counts.acked / seconds, ...(latencyReports ? { meanLatencyMs: latencySum / latencyReports } : {}), errors: { ...errors } };
    },
  };
}
