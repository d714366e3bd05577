// What pgbench prints, parsed: progress reports (-P 1, on stderr) while it runs, client aborts
// (a lost connection ends that client), and the summary when it ends by itself (-T).

export interface ProgressReport {
  readonly elapsedS: number;
  readonly tps: number;
  readonly latencyMs: number;
  readonly failed: number;
}

export interface PgbenchSummary {
  readonly transactions: number;
  readonly failed: number;
  readonly latencyMs?: number;
  readonly tps?: number;
}

// "progress: 5.0 s, 199.9 tps, lat 2.101 ms stddev 0.480, 0 failed" (PostgreSQL 15; the
// "failed" part is absent in older versions, "lag" follows with -R).
const PROGRESS = /^progress: ([\d.]+) s, ([\d.]+) tps, lat ([\d.]+|NaN) ms stddev [\d.NaN]+(?:, (\d+) failed)?/;
// A transaction whose outcome is unknown. pgbench 15 says "client 3 aborted in command 1 (SQL)
// of script 0; …" when a connection dies between queries, and "client 3 script 0 aborted in
// command 0 query 0: …" when it dies in one; aborting while connecting sent nothing.
const ABORTED = /client \d+ (?:script \d+ )?aborted(?! while establishing connection)/;
const PROCESSED = /^number of transactions actually processed: (\d+)/;
const FAILED = /^number of failed transactions: (\d+)/;
const LATENCY = /^latency average = ([\d.]+) ms/;
const TPS = /^tps = ([\d.]+)/;

export function parseProgress(line: string): ProgressReport | undefined {
  const m = PROGRESS.exec(line.trim());
  if (!m) return undefined;
  return { elapsedS: Number(m[1]), tps: Number(m[2]), latencyMs: m[3] === 'NaN' ? Number.NaN : Number(m[3]), failed: Number(m[4] ?? 0) };
}

export const isClientAbort = (line: string): boolean => ABORTED.test(line);

export function parseSummary(stdout: string): PgbenchSummary | undefined {
  let transactions: number | undefined;
  let failed = 0;
  let latencyMs: number | undefined;
  let tps: number | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    transactions = Number(PROCESSED.exec(line)?.[1] ?? transactions ?? Number.NaN);
    failed = Number(FAILED.exec(line)?.[1] ?? failed);
    const l = LATENCY.exec(line)?.[1];
    if (l) latencyMs = Number(l);
    const t = TPS.exec(line)?.[1];
    if (t && tps === undefined) tps = Number(t);
  }
  if (transactions === undefined || Number.isNaN(transactions)) return undefined;
  return { transactions, failed, ...(latencyMs !== undefined ? { latencyMs } : {}), ...(tps !== undefined ? { tps } : {}) };
}
