// Backup and restore figures on the local backend: full-backup and restore throughput for a
// database of at least 1 GB, and how much an incremental backup copies against how much data
// changed (pgBackRest 2.45 has no block incremental: a changed file is copied whole), and
// the whole cluster lost and rebuilt from that backup (the quarterly stack recovery).
// Usage: npx tsx bench/backup.ts [size-MiB=1100]
import { takeBackup } from '../harness/backends/local/backup/pgbackrest.js';
import { clusterLoss } from '../harness/backends/local/injectors/cluster-loss.js';
import { rebuildFromBackup } from '../harness/backends/local/restore/fresh-cluster.js';
import { removeScratch, restoreIntoScratch } from '../harness/backends/local/restore/scratch.js';
import { withDb } from '../harness/db/target.js';
import { cpus, withBenchCluster } from './lib/cluster.js';

const sizeMiB = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1100);
const ROW_BYTES = 300; // about what one row of the table below takes on disk
const rows = Math.ceil((sizeMiB * 1024 * 1024) / ROW_BYTES);
const MiB = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

await withBenchCluster({ profile: 'fast' }, async (cluster, target) => {
  let t = performance.now();
  await withDb(target, 3_600_000, async (c) => {
    await c.query('create table bench_data (id bigint primary key, payload text not null)');
    await c.query(`insert into bench_data select g, repeat(md5(g::text), 7) from generate_series(1, $1::bigint) g`, [rows]);
    await c.query('checkpoint');
  });
  const size = Number((await withDb(target, 60_000, (c) => c.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes'))).rows[0]!.bytes);
  console.log(`database filled: ${MiB(size)} MiB in ${((performance.now() - t) / 1000).toFixed(0)} s (not part of the figures)`);

  t = performance.now();
  const full = await takeBackup(cluster.state, 'full');
  const fullS = (performance.now() - t) / 1000;
  console.log(`full backup: ${MiB(full.backupBytes)} MiB copied in ${fullS.toFixed(1)} s = ${(full.backupBytes / 1024 / 1024 / fullS).toFixed(1)} MiB/s; repository +${MiB(full.repoDeltaBytes)} MiB (lz4)`);

  // Change 1 % of the rows, spread over the whole table, and append 1 % more.
  const changed = Math.floor(rows / 100);
  await withDb(target, 3_600_000, async (c) => {
    await c.query(`update bench_data set payload = repeat(md5((id + 1)::text), 7) where id % 100 = 0`);
    await c.query(`insert into bench_data select g, repeat(md5(g::text), 7) from generate_series($1::bigint + 1, $1::bigint + $2::bigint) g`, [rows, changed]);
    await c.query('checkpoint');
  });
  const changedBytes = 2 * changed * ROW_BYTES;
  t = performance.now();
  const incr = await takeBackup(cluster.state, 'incr');
  const incrS = (performance.now() - t) / 1000;
  console.log(`incremental backup after ~${MiB(changedBytes)} MiB of changed rows (1 % updated, 1 % appended): ${MiB(incr.backupBytes)} MiB copied (${((100 * incr.backupBytes) / full.backupBytes).toFixed(0)} % of the full) in ${incrS.toFixed(1)} s; repository +${MiB(incr.repoDeltaBytes)} MiB`);

  // The latest backup (the incremental on its full) restored into a scratch instance, WAL
  // replayed, promoted and written to: what a restore drill times.
  const restored = await restoreIntoScratch(cluster.state, { target: { kind: 'latest' }, runId: 'bench-backup', timeoutMs: 3_600_000, log: (line) => console.log(line) });
  const restoreS = restored.restoreMs / 1000;
  console.log(`restore of ${MiB(restored.restoredBytes)} MiB: pgBackRest ${restoreS.toFixed(1)} s = ${restored.restoreMiBps.toFixed(1)} MiB/s, recovery ${(restored.recoveryMs / 1000).toFixed(1)} s, first write ${restored.writableMs.toFixed(0)} ms`);
  const problems = await removeScratch(cluster.state, restored.name);
  if (problems.length) console.error(`restored instance not removed completely: ${problems.join('; ')}`);

  // Every node lost with its data, then the cluster rebuilt from the same backup: Patroni
  // bootstraps one node from pgBackRest, the others clone it over the network.
  const loss = { nodes: cluster.plan.nodes.map((n) => n.name), faultId: 'bench-loss' };
  await clusterLoss.harm(cluster, loss);
  t = performance.now();
  const rebuilt = await rebuildFromBackup(cluster, { target: { kind: 'latest' }, timeoutMs: 3_600_000, log: (line) => console.log(line) });
  const writableS = (performance.now() - t) / 1000;
  for (;;) {
    if ((await cluster.observe()).healthy) break;
    if (performance.now() - t > 3_600_000) throw new Error('the rebuilt cluster did not get its replicas back within an hour');
    await new Promise((r) => setTimeout(r, 500));
  }
  const redundantS = (performance.now() - t) / 1000;
  console.log(`stack rebuild of ${MiB(rebuilt.restoredBytes)} MiB: new etcd ${(rebuilt.etcdMs / 1000).toFixed(1)} s, Patroni bootstrap from the backup ${(rebuilt.bootstrapMs / 1000).toFixed(1)} s, Service writable ${writableS.toFixed(1)} s after the rebuild began, both replicas streaming after ${redundantS.toFixed(1)} s`);

  console.log(`\nbackup (${await cpus()} CPUs): full ${(full.backupBytes / 1024 / 1024 / fullS).toFixed(1)} MiB/s over ${MiB(full.backupBytes)} MiB; incremental copied ${MiB(incr.backupBytes)} MiB for ~${MiB(changedBytes)} MiB changed (file-level: updates spread over the table touch every 1 GiB segment); restore ${restored.restoreMiBps.toFixed(1)} MiB/s over ${MiB(restored.restoredBytes)} MiB, writable ${((restored.restoreMs + restored.recoveryMs + restored.writableMs) / 1000).toFixed(1)} s after it began; stack rebuild writable after ${writableS.toFixed(1)} s, redundant after ${redundantS.toFixed(1)} s`);
});
