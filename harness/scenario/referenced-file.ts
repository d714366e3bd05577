import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { InputFileError, readInputFile, type InputKind } from '../common/input-file.js';
import { PACKAGE_ROOT } from './package-root.js';

// Where files a scenario names may come from: its own directory tree, kdrill's shipped
// fixtures, and directories the user allows with --allow-dir. A scenario arriving in a pull
// request must not be able to read /etc/shadow into a dry run's ConfigMap or an error message.
export interface FileAccess {
  readonly allowDirs: readonly string[];
}

export const SHIPPED_FIXTURES = path.join(PACKAGE_ROOT, 'fixtures');

export type Referenced = { ok: true; file: string; text: string } | { ok: false; message: string };

// Resolves `ref` (relative to the scenario's folder, else to the kdrill package for shipped
// fixtures) and reads it, refusing anything outside the allowed trees, symlinks included.
// Messages name the path and why, never the file's contents.
export function readReferencedFile(scenarioFile: string, ref: string, kind: InputKind, field: string, access: FileAccess): Referenced {
  const scenarioDir = path.dirname(path.resolve(scenarioFile));
  let candidate = path.resolve(scenarioDir, ref);
  if (!path.isAbsolute(ref) && !existsSync(candidate) && existsSync(path.resolve(PACKAGE_ROOT, ref))) candidate = path.resolve(PACKAGE_ROOT, ref);
  // Where it may come from is decided before whether it exists, so a scenario cannot probe
  // for files elsewhere by the difference between the two answers.
  const roots = allowedRoots(scenarioDir, access);
  const real = realOrSelf(candidate);
  if (!roots.some((root) => inside(real, root))) {
    const via = real !== candidate ? ` (it leads to ${real})` : '';
    return {
      ok: false,
      message:
        `Expected \`${field}\` to name a file inside the scenario's directory ${scenarioDir} or kdrill's fixtures, got ${JSON.stringify(ref)}${via}: ` +
        'a scenario may not read files elsewhere; allow a directory with `--allow-dir DIR`',
    };
  }
  if (!existsSync(candidate)) {
    const where = path.isAbsolute(ref) ? '' : ' (looked beside the scenario, then in the kdrill package)';
    return { ok: false, message: `Cannot read the ${kind} file ${candidate}${where}: no such file` };
  }
  try {
    return { ok: true, file: candidate, text: readInputFile(real, kind) };
  } catch (error) {
    if (error instanceof InputFileError) return { ok: false, message: `${error.message.replace(real, candidate)} (named by \`${field}\`)` };
    throw error;
  }
}

function allowedRoots(scenarioDir: string, access: FileAccess): string[] {
  return [scenarioDir, SHIPPED_FIXTURES, ...access.allowDirs.map((d) => path.resolve(d))].map(realOrSelf);
}

// The real path, symlinks resolved; for a path that does not exist, its nearest existing
// ancestor's real path with the rest appended (a missing file under a symlink to /etc is in /etc).
function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realOrSelf(parent), path.basename(p));
  }
}

function inside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
