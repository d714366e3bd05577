import { badRequest, ApiStatus } from './status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// RFC 7386 JSON merge patch: objects merge, null deletes, anything else (lists too) replaces.
export function mergePatch(target: Json, patch: Json): Json {
  return mergeObject(target, patch, mergePatch);
}

// Both patches' rule for objects: keys merge (each by `merge`), null deletes; a patch that
// is not an object replaces the target.
function mergeObject(target: Json, patch: Json, merge: (target: Json, patch: Json) => Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = merge(out[key] ?? null, value);
  }
  return out;
}

// Strategic merge patch for the lists kdrill touches: a list of objects that all carry a
// `name` (containers, env, ports, volumes) merges by name; other lists are replaced, as for
// lists without a patchMergeKey. `$patch: delete` in an element removes it.
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (Array.isArray(patch) && Array.isArray(target) && [...patch, ...target].every((e) => isObject(e) && typeof e.name === 'string')) {
    const out = [...target] as JsonObject[];
    for (const element of patch as JsonObject[]) {
      const at = out.findIndex((e) => e.name === element.name);
      if (element.$patch === 'delete') {
        if (at >= 0) out.splice(at, 1);
      } else if (at >= 0) out[at] = strategicMergePatch(out[at]!, element) as JsonObject;
      else out.push(element);
    }
    return out;
  }
  return mergeObject(target, patch, strategicMergePatch);
}

// RFC 6902 JSON patch, every operation; a failed `test` is a 422 as on a real server.
export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of operations as { op: string; path: string; from?: string; value?: Json }[]) {
    const value = op.value === undefined ? null : structuredClone(op.value);
    switch (op.op) {
      case 'add':
        doc = setAt(doc, op.path, value, 'add');
        break;
      case 'replace':
        getAt(doc, op.path);
        doc = setAt(doc, op.path, value, 'replace');
        break;
      case 'remove':
        doc = removeAt(doc, op.path);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw new ApiStatus(422, 'Invalid', `the test operation on ${op.path} failed`);
        break;
      case 'move': {
        const moved = getAt(doc, op.from ?? '');
        doc = setAt(removeAt(doc, op.from ?? ''), op.path, moved, 'add');
        break;
      }
      case 'copy':
        doc = setAt(doc, op.path, structuredClone(getAt(doc, op.from ?? '')), 'add');
        break;
      default:
        throw badRequest(`unknown json patch operation "${op.op}"`);
    }
  }
  return doc;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json pointer "${path}" must start with /`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, path: string): Json {
  let at: Json = doc;
  for (const key of pointer(path)) {
    if (Array.isArray(at) && /^\d+$/.test(key) && Number(key) < at.length) at = at[Number(key)]!;
    else if (isObject(at) && key in at) at = at[key]!;
    else throw new ApiStatus(422, 'Invalid', `json patch path ${path} does not exist`);
  }
  return at;
}

function setAt(doc: Json, path: string, value: Json, mode: 'add' | 'replace'): Json {
  const keys = pointer(path);
  if (!keys.length) return value;
  const parent = getAt(doc, '/' + keys.slice(0, -1).map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')) as Json;
  const last = keys[keys.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) parent[last] = value;
  else throw new ApiStatus(422, 'Invalid', `json patch path ${path} has no parent object`);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const keys = pointer(path);
  getAt(doc, path);
  const parent = keys.length > 1 ? getAt(doc, '/' + keys.slice(0, -1).join('/')) : doc;
  const last = keys[keys.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
  return doc;
}

export type { Json, JsonObject };
export { isObject };
