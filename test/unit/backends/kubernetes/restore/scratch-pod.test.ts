import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_MOUNT, DEFAULT_FIXTURE, generatePasswords, postgresFixture } from '../../../../../harness/backends/kubernetes/objects/postgres/index.js';
import { scratchLayout, scratchPod } from '../../../../../harness/backends/kubernetes/restore/scratch-pod.js';
import type { KubeObject } from '../../../../../harness/backends/kubernetes/client/types.js';
import { restoreArgs } from '../../../../../harness/backup/pgbackrest-restore.js';
import type { BackupRecord } from '../../../../../harness/backup/pgbackrest-info.js';

// pgBackRest up to 2.34 refuses a --pg1-path that does not exist (2.35 creates it: pgbackrest
// commit 056a3070e, "Automatically create data directory on restore"); every version refuses
// an existing one that is not the current user's or lacks rwx for its owner. The words and exit
// codes are pgBackRest's own (error.yaml: path-missing 73, path-open 53; the exit code is the
// error's code). Past those checks it leaves a data directory (PG_VERSION) and the arguments.
const PGBACKREST = String.raw`#!/bin/sh
pg=
for arg; do case $arg in --pg1-path=*) pg=${"${arg#--pg1-path=}"};; esac; done
printf '%s\n' "$@" > "$STANDIN_LOG/pgbackrest.args"
if [ ! -d "$pg" ]; then echo "ERROR: [073]: \$PGDATA directory '$pg' does not exist" >&2; exit 73; fi
if [ "$(id -u)" != 0 ] && [ "$(stat -c %u "$pg")" != "$(id -u)" ]; then echo "ERROR: [053]: unable to restore to path '$pg' not owned by current user" >&2; exit 53; fi
case $(stat -c %a "$pg") in 7??) ;; *) echo "ERROR: [053]: unable to restore to path '$pg' without rwx permissions" >&2; exit 53;; esac
echo 15 > "$pg/PG_VERSION"
`;

// PostgreSQL 15 refuses a data directory other than 0700 or 0750 with these words (exit 1);
// otherwise it would run: the stand-in records its arguments and ends.
const POSTGRES = String.raw`#!/bin/sh
[ "$1" = -D ] || exit 2
case $(stat -c %a "$2") in 700|750) ;; *) echo "FATAL:  data directory \"$2\" has invalid permissions" >&2; echo "DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750)." >&2; exit 1;; esac
printf '%s\n' "$@" > "$STANDIN_LOG/postgres.args"
`;

const BACKUP: BackupRecord = { label: '20261124-120000F', type: 'full', startedAt: '2026-11-24T12:00:00Z', stoppedAt: '2026-11-24T12:00:30Z', databaseBytes: 1, backupBytes: 1, repoBytes: 1, repoDeltaBytes: 1 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kdrill-scratch-pod-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The fixture's StatefulSet with its data claim mounted at `mountPath` (the test's stand-in for
// the emptyDir the kubelet makes: an empty directory, world-writable).
function statefulSetMountingAt(mountPath: string): KubeObject {
  const statefulSet = structuredClone(postgresFixture({ ...DEFAULT_FIXTURE, namespace: 'kdrill-pg', backupHostPath: '/var/lib/kdrill-backups' }, generatePasswords()).find((o) => o.kind === 'StatefulSet')!);
  const container = (statefulSet.spec as { template: { spec: { containers: { volumeMounts: { mountPath: string }[] }[] } } }).template.spec.containers[0]!;
  for (const mount of container.volumeMounts) if (mount.mountPath === DATA_MOUNT) mount.mountPath = mountPath;
  return statefulSet;
}

describe('the scratch pod’s script, run with sh', () => {
  it('creates the data directory (0700, the container user’s) in the empty volume before pgBackRest restores into it, then starts PostgreSQL on it', async () => {
    const volume = path.join(dir, 'volume');
    const bin = path.join(dir, 'bin');
    mkdirSync(volume);
    chmodSync(volume, 0o777);
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pgbackrest'), PGBACKREST, { mode: 0o755 });
    writeFileSync(path.join(bin, 'postgres'), POSTGRES, { mode: 0o755 });

    const { template, claimNames, dataDir } = scratchLayout(statefulSetMountingAt(volume), 'postgres');
    expect(dataDir).toBe(path.join(volume, 'pgdata'));
    const point = { kind: 'time' as const, time: new Date('2026-11-24T04:50:00Z'), basis: 'test' };
    const pod = scratchPod({ name: 'kdrill-restore-1', namespace: 'kdrill-pg', labels: {}, template, claimNames, container: 'postgres', stanza: 'kdrill', restoreArgs: restoreArgs(dataDir, BACKUP, point), dataDir });
    const command = pod.spec!.containers[0]!.command!;
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);

    const run = await execa('sh', ['-c', command[2]!], { reject: false, env: { PATH: `${bin}:${process.env.PATH}`, STANDIN_LOG: dir } });
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(dataDir).uid).toBe(process.getuid!());
    expect(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe('15\n');
    // The recovery target (it has a space) reached pgBackRest as one argument.
    expect(readFileSync(path.join(dir, 'pgbackrest.args'), 'utf8').split('\n')).toContain('--target=2026-11-24 04:50:00.000+00');
    expect(readFileSync(path.join(dir, 'postgres.args'), 'utf8').split('\n').slice(0, 2)).toEqual(['-D', dataDir]);
  });
});
