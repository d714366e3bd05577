// How long kdrill takes to verify a million acknowledged writes after a drill: the COPY
// read-back of the ledger table, the ledger-readback verdict, and the RTO and RPO
// measurements over the ledger. Target: under 10 s in total on a 2-CPU machine.
// Usage: npx tsx bench/verify-1m.ts [writes=1000000] [runs=3]
import { withDb } from '../harness/db/target.js';
import type { JournalEntry } from '../harness/journal/entries.js';
import { Ledger } from '../harness/load/ledger/ledger.js';
import { LEDGER_TABLE, prepareLedgerTable } from '../harness/load/ledger-driver/index.js';
import { measureDrill } from '../harness/measure/index.js';
import { readLedgerTable } from '../harness/verify/ledger-readback/read.js';
import { ledgerReadback } from '../harness/verify/ledger-readback/verifier.js';
import { cpus, median, withBenchCluster } from './lib/cluster.js';

const numbers = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const writes = numbers[0] ?? 1_000_000;
const runs = numbers[1] ?? 3;
const LOST = 250; // every 4000th id is deleted: the verifier must find exactly these

await withBenchCluster({ profile: 'fast' }, async (cluster, target) => {
  await prepareLedgerTable(target);
  const t = performance.now();
  await withDb(target, 600_000, async (c) => {
    await c.query(`insert into ${LEDGER_TABLE} (id, payload) select g, repeat('x', 64) from generate_series(1, $1::int) g`, [writes]);
    await c.query(`delete from ${LEDGER_TABLE} where id % ${Math.floor(writes / LOST)} = 0`);
  });
  console.log(`table filled: ${writes} rows in ${((performance.now() - t) / 1000).toFixed(1)} s (not part of the figure)`);

  // The ledger of those writes: 200 writes/s, each acknowledged 2 ms after it was sent.
  const ledger = new Ledger();
  for (let i = 0; i < writes; i++) ledger.acked(ledger.send(i * 5), i * 5 + 2, '198.18.1.11');
  const entries: JournalEntry[] = [{ kind: 'fault-effective', at: (writes / 2) * 5, fault: 's1-bench' }];
  const totals: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const start = performance.now();
    const readback = await readLedgerTable(target, ledger.size);
    const readMs = performance.now() - start;
    const verdict = await ledgerReadback.verify({ target, endpoints: { readWrite: '' }, ledger, readback, timeoutMs: 60_000, log: () => {} });
    const verifyMs = performance.now() - start - readMs;
    const drill = measureDrill(entries, ledger, readback.ids, { stabilityWindowMs: 3_000, load: { rate: 200, concurrency: 4 } });
    const rpo = { lost: drill.run.get('lost-writes')! };
    const rto = { rto: drill.windows[0]!.rto };
    const totalMs = performance.now() - start;
    const measureMs = totalMs - readMs - verifyMs;
    if (rpo.lost.value !== Math.floor(writes / Math.floor(writes / LOST)) || verdict.verdict !== 'pass') throw new Error(`wrong answer: ${rpo.lost.value} lost, verdict ${verdict.verdict}`);
    totals.push(totalMs);
    console.log(`run ${r}: COPY read-back ${readMs.toFixed(0)} ms, verdict ${verifyMs.toFixed(0)} ms, RTO+RPO ${measureMs.toFixed(0)} ms, total ${totalMs.toFixed(0)} ms (${rpo.lost.value} lost found, RTO ${rto.rto.value === undefined ? (rto.rto.notExercised ? 'not exercised: no write was interrupted' : 'not measured') : `${rto.rto.value} ms`})`);
  }
  console.log(`\nverify-1m: ${writes.toLocaleString('en')} acknowledged writes verified in median ${(median(totals) / 1000).toFixed(2)} s (target < 10 s), ${await cpus()} CPUs`);
  void cluster;
});
