import { LEDGER_CHUNK, Ledger, type LedgerChunk } from '../../../harness/load/ledger/ledger.js';
import { OUTCOMES } from '../../../harness/model/writes.js';
import { OUTCOME, type WriteFacts } from './driver.js';

// kdrill's Ledger of what the simulated driver's clients saw: per id, when it was sent, when
// it ended and how, and which server acknowledged it.
//
// Recorded through the Ledger's own API (send, acked, failed) for the reference; the default
// builds the same ledger from its columns, sized to the run: a Ledger allocates its storage a
// million writes at a time (18 MB), which, thousands of histories over, costs more than the
// simulation. The compact one is checked against the reference on every build's sample.
export function buildLedger(facts: WriteFacts, compact = process.env.KDRILL_SIM_REAL_LEDGER !== '1'): Ledger {
  const n = facts.sentAt.length;
  if (!compact || n === 0 || n > LEDGER_CHUNK) return recorded(facts);
  const nodes: string[] = [];
  const chunk: LedgerChunk = { sentAt: new Float64Array(n), endAt: new Float64Array(n).fill(Number.NaN), outcome: new Uint8Array(n), node: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    chunk.sentAt[i] = facts.sentAt[i]!;
    const o = facts.outcome[i]!;
    if (o === OUTCOME.pending) continue;
    chunk.endAt[i] = facts.endAt[i]!;
    chunk.outcome[i] = OUTCOMES.indexOf(o === OUTCOME.acked ? 'acked' : o === OUTCOME.failed ? 'failed' : 'in-doubt');
    const server = facts.ackedBy[i];
    if (o === OUTCOME.acked && server !== undefined) {
      let k = nodes.indexOf(server);
      if (k < 0) k = nodes.push(server) - 1;
      chunk.node[i] = k + 1;
    }
  }
  // An empty ledger from the file reader's constructor, given the one run-sized chunk (the
  // reader's chunks are full-sized; the Ledger only ever indexes below `count`).
  const ledger = Ledger.fromColumns(0, nodes, () => undefined);
  const inside = ledger as unknown as { chunks?: LedgerChunk[]; count?: number };
  if (!Array.isArray(inside.chunks) || inside.count !== 0) return recorded(facts);
  inside.chunks.push(chunk);
  inside.count = n;
  return agrees(ledger, facts) ? ledger : recorded(facts);
}

// The compact ledger reads back what the driver recorded (a guard against the Ledger's
// internals changing under this shortcut): every outcome count, and a sample of entries.
function agrees(ledger: Ledger, facts: WriteFacts): boolean {
  const n = facts.sentAt.length;
  if (ledger.size !== n) return false;
  const counts = ledger.counts();
  const want = { pending: 0, acked: 0, failed: 0, 'in-doubt': 0 };
  for (const o of facts.outcome) want[o === OUTCOME.acked ? 'acked' : o === OUTCOME.failed ? 'failed' : o === OUTCOME.inDoubt ? 'in-doubt' : 'pending']++;
  if (JSON.stringify(counts) !== JSON.stringify(want)) return false;
  for (let id = 1; id <= n; id += Math.max(1, Math.floor(n / 7))) {
    const e = ledger.entry(id);
    const i = id - 1;
    const end = facts.outcome[i] === OUTCOME.pending ? undefined : facts.endAt[i];
    if (e.sentAt !== facts.sentAt[i] || e.endAt !== end || e.node !== facts.ackedBy[i]) return false;
  }
  return true;
}

function recorded(facts: WriteFacts): Ledger {
  const ledger = new Ledger();
  facts.sentAt.forEach((sentAt, i) => {
    const id = ledger.send(sentAt);
    const o = facts.outcome[i]!;
    if (o === OUTCOME.acked) ledger.acked(id, facts.endAt[i]!, facts.ackedBy[i]);
    else if (o !== OUTCOME.pending) ledger.failed(id, facts.endAt[i]!, o === OUTCOME.failed ? 'failed' : 'in-doubt');
  });
  return ledger;
}
