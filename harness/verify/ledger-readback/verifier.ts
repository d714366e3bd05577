import type { Ledger } from '../../load/ledger/ledger.js';
import { OUTCOMES } from '../../model/writes.js';
import { missingAcknowledged, type Readback } from '../../measure/index.js';

const FAILED = OUTCOMES.indexOf('failed');
import { evidence, type Evidence, type Verifier, type VerifyContext } from '../types.js';

const LISTED = 20;

// Writes that failed (the server proved nothing committed) but are present: corruption.
function refusedButPresent(ledger: Ledger, readback: Readback): { count: number; ids: number[] } {
  let count = 0;
  const ids: number[] = [];
  ledger.forEach((id, _sentAt, _endAt, outcome) => {
    if (outcome !== FAILED || !readback.has(id)) return;
    count++;
    if (ids.length < LISTED) ids.push(id);
  });
  return { count, ids };
}

// Every acknowledged write is read back from the primary after recovery. Missing ones are lost
// writes, judged against the tier's RPO and lost-write targets, not here; what fails this check
// is corruption: rows that were never sent (phantoms), ids present twice, or writes the server
// refused that are there anyway.
export const ledgerReadback: Verifier = {
  name: 'ledger-readback',
  async verify(ctx: VerifyContext): Promise<Evidence> {
    if (!ctx.ledger) return evidence('unknown', 'no ledger: the run had no ledger load');
    if (!ctx.readback) return evidence('unknown', 'the ledger table could not be read back after recovery');
    const { ids, server, malformed, durationMs } = ctx.readback;
    const { acknowledged: acked, missing: lost, ids: lostIds } = missingAcknowledged(ctx.ledger, ids, LISTED, ctx.restore?.failureAt);
    const refused = refusedButPresent(ctx.ledger, ids);
    const details = {
      server,
      rowsRead: ids.rows,
      acknowledged: acked,
      lost,
      lostIds,
      phantoms: ids.phantomTotal,
      phantomIds: ids.phantoms.slice(0, LISTED),
      duplicates: ids.duplicateTotal,
      duplicateIds: ids.duplicates.slice(0, LISTED),
      failedPresent: refused.count,
      failedPresentIds: refused.ids,
      malformedBytes: malformed,
      readMs: Math.round(durationMs),
      ...(ctx.restore ? { restored: ctx.restore.instance, restoreTarget: ctx.restore.target, recoveryPointId: ctx.restore.recoveryPointId, holes: ctx.restore.holes.count, holeIds: ctx.restore.holes.ids, overshoot: ctx.restore.overshoot.count, overshootIds: ctx.restore.overshoot.ids } : {}),
    };
    const corrupt = [
      ctx.restore?.holes.count ? `${ctx.restore.holes.count} acknowledged write${ctx.restore.holes.count === 1 ? '' : 's'} missing before the recovery point (holes)` : '',
      ctx.restore?.overshoot.count ? `${ctx.restore.overshoot.count} write${ctx.restore.overshoot.count === 1 ? '' : 's'} sent after the target ${ctx.restore.target} present (recovery overshot)` : '',
      ids.phantomTotal ? `${ids.phantomTotal} phantom row${ids.phantomTotal === 1 ? '' : 's'} (never sent)` : '',
      ids.duplicateTotal ? `${ids.duplicateTotal} duplicate id${ids.duplicateTotal === 1 ? '' : 's'}` : '',
      refused.count ? `${refused.count} write${refused.count === 1 ? '' : 's'} the server refused (proved uncommitted) present` : '',
      malformed ? `${malformed} malformed byte${malformed === 1 ? '' : 's'} in the id column` : '',
    ].filter(Boolean);
    const where = ctx.restore ? `${ctx.restore.into === 'fresh-cluster' ? ctx.restore.instance : `the restored instance ${ctx.restore.instance}`} (${server})` : server;
    const read = `${ids.rows} rows read back from ${where} in ${Math.round(durationMs)} ms; ${acked - lost} of ${acked} acknowledged writes present`;
    if (ctx.restore && !corrupt.length) {
      return evidence('pass', `${read}; the restore is a clean prefix up to write ${ctx.restore.recoveryPointId ?? 'none'} (the later ones are the restore's RPO, judged against the target); no phantom or duplicate rows`, details);
    }
    if (corrupt.length) return evidence('fail', `${read}; corruption: ${corrupt.join(', ')}`, details);
    return evidence('pass', `${read}${lost ? ` (${lost} lost: judged against the RPO and lost-write targets)` : ''}; no phantom or duplicate rows`, details);
  },
};
