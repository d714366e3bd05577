import { open, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, KdrillError } from '../../../common/errors.js';
import { listBackups } from '../backup/pgbackrest.js';
import { backupRegionDir, STANZA } from '../config/pgbackrest.js';
import type { ClusterState } from '../state.js';
import type { LocalFault } from './types.js';

type Corruption = { backup: 'latest'; bytes: number; faultId?: string };

// What was overwritten, saved before the damage so heal can put it back after any crash.
interface Saved {
  readonly file: string;
  readonly offset: number;
  readonly original: string; // base64
}

const savedPath = (state: Pick<ClusterState, 'dir'>, faultId: string) => path.join(state.dir, 'fault-saves', `${faultId}.json`);

// The largest file the latest backup copied: damage there reaches the restore for sure.
export async function largestFileOf(state: ClusterState): Promise<string> {
  const latest = (await listBackups(state)).at(-1);
  if (!latest) throw new KdrillError(ErrorCode.STEP_FAILED, 'backup-corruption: the repository holds no backup to damage; take one first');
  const root = path.join(backupRegionDir(state.dir), 'repo', 'backup', STANZA, latest.label, 'pg_data');
  let best: { file: string; size: number } | undefined;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { size } = await stat(file);
    if (!best || size > best.size) best = { file, size };
  }
  if (!best) throw new KdrillError(ErrorCode.STEP_FAILED, `backup-corruption: backup ${latest.label} holds no file`);
  return best.file;
}

// Bytes in the middle of one backup file inverted; heal writes the saved originals back.
export const backupCorruption: LocalFault<Corruption> = {
  type: 'backup-corruption',
  resolve: (params) => {
    const bytes = typeof params['bytes'] === 'number' ? params['bytes'] : 64;
    return { targets: ['the latest backup in the repository'], data: { backup: 'latest', bytes } };
  },
  arm: (data, faultId) => ({ ...data, faultId }),
  harm: async (cluster, { bytes, faultId }) => {
    const state = cluster.state;
    const file = await largestFileOf(state);
    const handle = await open(file, 'r+');
    try {
      const { size } = await handle.stat();
      const length = Math.min(bytes, size);
      const offset = Math.max(0, Math.floor((size - length) / 2));
      const original = Buffer.alloc(length);
      await handle.read(original, 0, length, offset);
      const saved: Saved = { file, offset, original: original.toString('base64') };
      await mkdir(path.dirname(savedPath(state, faultId!)), { recursive: true, mode: 0o700 });
      await writeFile(savedPath(state, faultId!), JSON.stringify(saved), { mode: 0o600, flush: true });
      await handle.write(Buffer.from(original.map((b) => b ^ 0xff)), 0, length, offset);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  heal: async (cluster, { faultId }) => {
    const file = savedPath(cluster.state, faultId!);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return; // never damaged, or already healed
    const saved = JSON.parse(text) as Saved;
    const handle = await open(saved.file, 'r+').catch(() => undefined);
    if (handle) {
      try {
        await handle.write(Buffer.from(saved.original, 'base64'), 0, undefined, saved.offset);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rm(file, { force: true });
  },
};
