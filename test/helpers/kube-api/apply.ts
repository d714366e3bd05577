import { ApiStatus } from './status.js';
import { isObject, type Json, type JsonObject } from './patch.js';

// Server-side apply, as far as a test needs it to be faithful: every leaf field (a scalar or
// a whole list) has one or more managers; applying a value another manager owns and holds
// differently is a 409 conflict naming that manager unless forced (which takes the field
// over); a field a manager applied before and applies no more is removed when nobody else
// owns it. Ownership is exposed as metadata.managedFields in the FieldsV1 format.

// A field path is its keys joined by NUL: keys themselves hold dots ("app.kubernetes.io/name").
const SEP = '\u0000';
export const fieldPath = (...keys: string[]): string => keys.join(SEP);
export const showPath = (path: string): string => `.${path.split(SEP).join('.')}`;

// Fields that are never owned (the API server's own bookkeeping).
const UNOWNED = new Set(
  [['metadata', 'resourceVersion'], ['metadata', 'uid'], ['metadata', 'creationTimestamp'], ['metadata', 'generation'], ['metadata', 'managedFields'], ['metadata', 'deletionTimestamp'], ['status'], ['apiVersion'], ['kind'], ['metadata', 'name'], ['metadata', 'namespace']].map((k) => fieldPath(...k)),
);

export interface ManagedEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly fields: Set<string>;
}

export function leafPaths(value: Json, prefix = ''): Map<string, Json> {
  const out = new Map<string, Json>();
  if (isObject(value) && Object.keys(value).length) {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}${SEP}${key}` : key;
      if (UNOWNED.has(path) || [...UNOWNED].some((u) => path.startsWith(`${u}${SEP}`))) continue;
      for (const [p, v] of leafPaths(child, path)) out.set(p, v);
    }
  } else if (prefix) out.set(prefix, value);
  return out;
}

function getPath(doc: JsonObject, path: string): Json | undefined {
  let at: Json | undefined = doc;
  for (const key of path.split(SEP)) at = isObject(at) ? at[key] : undefined;
  return at;
}

function setPath(doc: JsonObject, path: string, value: Json): void {
  const keys = path.split(SEP);
  let at = doc;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as JsonObject;
  }
  at[keys[keys.length - 1]!] = structuredClone(value);
}

function deletePath(doc: JsonObject, path: string): void {
  const keys = path.split(SEP);
  const parents: JsonObject[] = [doc];
  for (const key of keys.slice(0, -1)) {
    const next = parents[parents.length - 1]![key];
    if (!isObject(next)) return;
    parents.push(next);
  }
  delete parents[parents.length - 1]![keys[keys.length - 1]!];
  for (let i = parents.length - 1; i > 0; i--) if (!Object.keys(parents[i]!).length) delete parents[i - 1]![keys[i - 1]!];
}

// Records that `manager` wrote every leaf that differs between `before` and `after`.
export function recordUpdate(managed: ManagedEntry[], manager: string, before: JsonObject | undefined, after: JsonObject): ManagedEntry[] {
  const old = before ? leafPaths(before) : new Map<string, Json>();
  const changed = [...leafPaths(after)].filter(([p, v]) => JSON.stringify(old.get(p)) !== JSON.stringify(v)).map(([p]) => p);
  if (!changed.length) return managed;
  const out = managed.map((m) => ({ ...m, fields: new Set([...m.fields].filter((f) => !changed.includes(f))) }));
  const mine = out.find((m) => m.manager === manager && m.operation === 'Update');
  if (mine) changed.forEach((f) => mine.fields.add(f));
  else out.push({ manager, operation: 'Update', fields: new Set(changed) });
  return out.filter((m) => m.fields.size);
}

// Applies `config` for `manager` over `live` (undefined: the object is created).
export function serverSideApply(live: JsonObject | undefined, config: JsonObject, managed: ManagedEntry[], manager: string, force: boolean): { object: JsonObject; managed: ManagedEntry[] } {
  const applied = leafPaths(config);
  const object: JsonObject = live ? structuredClone(live) : {};
  const conflicts: { field: string; manager: string }[] = [];
  for (const [path, value] of applied) {
    const current = getPath(object, path);
    if (JSON.stringify(current) === JSON.stringify(value)) continue;
    for (const other of managed) if (other.manager !== manager && other.fields.has(path)) conflicts.push({ field: path, manager: other.manager });
  }
  if (conflicts.length && !force) {
    throw new ApiStatus(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.map((c) => `conflict with "${c.manager}": ${showPath(c.field)}`).join('; ')}`, {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: showPath(c.field) })),
    });
  }
  const previously = managed.find((m) => m.manager === manager && m.operation === 'Apply')?.fields ?? new Set<string>();
  let out = managed.map((m) => ({ ...m, fields: new Set([...m.fields].filter((f) => m.manager === manager || !(force && applied.has(f) && conflicts.some((c) => c.field === f && c.manager === m.manager)))) }));
  for (const path of previously) {
    const othersOwn = out.some((m) => m.manager !== manager && m.fields.has(path));
    if (!applied.has(path) && !othersOwn) deletePath(object, path);
  }
  for (const [path, value] of applied) setPath(object, path, value);
  const configMeta = config.metadata as JsonObject;
  object.apiVersion = config.apiVersion ?? null;
  object.kind = config.kind ?? null;
  object.metadata = { ...((object.metadata ?? {}) as JsonObject), name: configMeta.name ?? null, ...(configMeta.namespace ? { namespace: configMeta.namespace } : {}) };
  out = out.filter((m) => !(m.manager === manager && m.operation === 'Apply'));
  out.push({ manager, operation: 'Apply', fields: new Set(applied.keys()) });
  return { object, managed: out.filter((m) => m.fields.size) };
}

// metadata.managedFields as the API server shows it: FieldsV1 is a tree of "f:<name>" keys.
export function managedFieldsJson(managed: readonly ManagedEntry[], apiVersion: string, time: string): Json[] {
  return managed.map((m) => {
    const tree: JsonObject = {};
    for (const path of m.fields) {
      let at = tree;
      for (const key of path.split(SEP)) {
        const k = `f:${key}`;
        if (!isObject(at[k])) at[k] = {};
        at = at[k] as JsonObject;
      }
    }
    return { manager: m.manager, operation: m.operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: tree };
  });
}
