import type { MonoTime } from '../../model/time.js';
import type { LoadSummary } from '../../model/load.js';

// One metric of k6's --summary-export: counters carry count/rate, rates passes/fails/value,
// trends avg/min/med/max/p(90)/p(95).
interface Metric {
  count?: number;
  rate?: number;
  passes?: number;
  fails?: number;
  value?: number;
  avg?: number;
}

export interface K6Export {
  metrics?: Record<string, Metric>;
}

// k6's figures as the run's load summary. A k6 script is not a ledger: it does not say
// which writes were acknowledged, only how many requests (or iterations) it made and how
// many failed, so nothing is "in doubt" and lost writes cannot be counted from it.
export function summaryFromK6(exported: K6Export, startedAt: MonoTime, stoppedAt: MonoTime): LoadSummary {
  const m = exported.metrics ?? {};
  const requests = m.http_reqs?.count;
  const sent = requests ?? m.iterations?.count ?? 0;
  // http_req_failed is a rate: its "passes" are the requests that failed.
  const failed = requests !== undefined ? (m.http_req_failed?.passes ?? 0) : (m.checks?.fails ?? 0);
  const acked = Math.max(0, sent - failed);
  const seconds = Math.max(0.001, (stoppedAt - startedAt) / 1000);
  const latency = m.http_req_duration?.avg ?? m.iteration_duration?.avg;
  const errors: Record<string, number> = {};
  if (failed > 0) errors[requests !== undefined ? 'k6: http_req_failed' : 'k6: checks failed'] = failed;
  if ((m.checks?.fails ?? 0) > 0 && requests !== undefined) errors['k6: checks failed'] = m.checks!.fails!;
  return {
    driver: 'k6',
    startedAt,
    stoppedAt,
    sent,
    acked,
    failed,
    inDoubt: 0,
    ackedPerSecond: acked / seconds,
    ...(latency !== undefined ? { meanLatencyMs: latency } : {}),
    errors,
  };
}
