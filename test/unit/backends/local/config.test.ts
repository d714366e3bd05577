import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planAddresses } from '../../../../harness/backends/local/address-plan.js';
import { etcdArgv } from '../../../../harness/backends/local/config/etcd.js';
import { haproxyConfig } from '../../../../harness/backends/local/config/haproxy.js';
import { PATRONI_PROFILES, patroniConfig } from '../../../../harness/backends/local/config/patroni.js';
import { archiveCommand, pgbackrestConfig } from '../../../../harness/backends/local/config/pgbackrest.js';
import { shellWords } from '../../../../harness/backends/local/restore/fresh-cluster.js';
import type { TopologyFile } from '../../../../harness/backends/local/topology-file.js';

const topology: TopologyFile = { apiVersion: 'kdrill.dev/v1alpha1', kind: 'Topology', zones: [{ name: 'a', nodes: 1 }, { name: 'b', nodes: 1 }, { name: 'c', nodes: 1 }] };
const plan = planAddresses('ab12', 0, topology);
const node = plan.nodes[0]!;
const credentials = { superuser: 's3cret-super', replication: 'rep', rewind: 'rew' };

describe('Patroni configuration', () => {
  const config = (o: Partial<Parameters<typeof patroniConfig>[2]> = {}) =>
    parse(patroniConfig(plan, node, { dcs: 'etcd', timing: PATRONI_PROFILES.fast, synchronous: false, binDir: '/usr/lib/postgresql/15/bin', nodeDir: '/x/a-1/pg', credentials, ...o }));

  it("profiles keep Patroni's rule loop_wait + 2 × retry_timeout ≤ ttl", () => {
    for (const p of Object.values(PATRONI_PROFILES)) expect(p.loopWait + 2 * p.retryTimeout).toBeLessThanOrEqual(p.ttl);
  });

  it('uses the chosen DCS protocol with every etcd member, and the timing and replication mode asked for', () => {
    expect(config().etcd).toEqual({ hosts: '198.18.1.11:2379,198.18.2.11:2379,198.18.3.11:2379' });
    const c3 = config({ dcs: 'etcd3', synchronous: true, timing: PATRONI_PROFILES.default });
    expect(c3.etcd3).toBeDefined();
    expect(c3.etcd).toBeUndefined();
    expect(c3.bootstrap.dcs).toMatchObject({ ttl: 30, loop_wait: 10, retry_timeout: 10, synchronous_mode: true });
  });

  it('listens on the node address and admits only the benchmarking range', () => {
    const c = config();
    expect(c.postgresql.listen).toBe('198.18.1.11:5432');
    expect(c.restapi.listen).toBe('198.18.1.11:8008');
    expect(c.postgresql.pg_hba.filter((l: string) => l.startsWith('host'))).toEqual([
      'host replication replicator 198.18.0.0/15 scram-sha-256',
      'host all all 198.18.0.0/15 scram-sha-256',
    ]);
  });

  it("archives WAL with a command that names this node's own data directory", () => {
    const c = config({ archiveCommand: archiveCommand('/x', '/x/nodes/a-1/pg/data') });
    expect(c.postgresql.parameters.archive_command).toBe('pgbackrest --config=/x/backup-region/pgbackrest.conf --stanza=kdrill --pg1-path=/x/nodes/a-1/pg/data archive-push %p');
    expect(c.bootstrap.dcs.postgresql.parameters.archive_mode).toBe('on');
  });
});

describe('Patroni bootstrap from a backup (a cluster rebuilt after its loss)', () => {
  it('runs the restore command as given and keeps the recovery settings pgBackRest wrote; initdb otherwise', () => {
    const base = { dcs: 'etcd' as const, timing: PATRONI_PROFILES.fast, synchronous: false, binDir: '/b', nodeDir: '/x/a-1/pg', credentials };
    const restoring = parse(patroniConfig(plan, node, { ...base, bootstrapCommand: 'pgbackrest --stanza=kdrill restore' }));
    expect(restoring.bootstrap.method).toBe('pgbackrest');
    expect(restoring.bootstrap.pgbackrest).toEqual({ command: 'pgbackrest --stanza=kdrill restore', keep_existing_recovery_conf: true, no_params: true });
    const plain = parse(patroniConfig(plan, node, base));
    expect(plain.bootstrap.method).toBeUndefined();
    expect(plain.bootstrap.initdb).toEqual([{ encoding: 'UTF8' }, 'data-checksums']);
  });

  it('quotes each argument of the command for the shell-like split Patroni does', () => {
    expect(shellWords(['pgbackrest', '--config=/var/tmp/k/a.conf', '--target=2030-01-01 00:30:00.125+00', "it's"])).toBe(`pgbackrest --config=/var/tmp/k/a.conf '--target=2030-01-01 00:30:00.125+00' 'it'"'"'s'`);
  });
});

describe('etcd, HAProxy and pgBackRest configuration', () => {
  it("etcd: one member per node, v2 API enabled for Patroni's etcd: DCS, 127.0.0.1 only inside a namespace", () => {
    const argv = etcdArgv(plan, node, '/d');
    expect(argv[argv.indexOf('--initial-cluster') + 1]).toBe('etcd-a-1=http://198.18.1.11:2380,etcd-b-1=http://198.18.2.11:2380,etcd-c-1=http://198.18.3.11:2380');
    expect(argv).toContain('--enable-v2=true');
    expect(argv[argv.indexOf('--listen-client-urls') + 1]).toBe('http://198.18.1.11:2379,http://127.0.0.1:2379');
    const loop = planAddresses('ab12', 0, topology, 'loopback');
    const loopArgv = etcdArgv(loop, loop.nodes[0]!, '/d');
    expect(loopArgv[loopArgv.indexOf('--listen-client-urls') + 1]).toBe('http://127.18.1.11:2379');
  });

  it('HAProxy: read-write follows /primary, read-only spreads over /replica, both on loopback', () => {
    const cfg = haproxyConfig(plan);
    expect(cfg).toMatch(/listen primary\n {2}bind 127\.0\.0\.1:15400\n {2}option httpchk GET \/primary/);
    expect(cfg).toMatch(/listen replicas\n {2}bind 127\.0\.0\.1:15401\n {2}balance roundrobin\n {2}option httpchk GET \/replica/);
    expect(cfg.match(/server a-1 198\.18\.1\.11:5432/g)).toHaveLength(2);
  });

  it('pgBackRest: one stanza over every node, repository in the backup region, no password', () => {
    const conf = pgbackrestConfig(plan, '/x', (n) => `/x/nodes/${n}/pg`);
    expect(conf).toContain('repo1-path=/x/backup-region/repo');
    expect(conf).toContain('pg3-path=/x/nodes/c-1/pg/data');
    expect(conf).toContain('pg3-socket-path=/x/nodes/c-1/pg');
    expect(conf).not.toContain('s3cret');
  });
});
