import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { StatusCause } from './kube-api/status.js';
import { CHAOS_MESH_SCHEMAS, chaosMeshUnavailable } from './shared-files.js';

// The schemas every object kdrill generates is checked against:
// - Chaos Mesh v2.8.3's CRDs (KDRILL_SCHEMAS, see shared-files.ts), each openAPIV3Schema made
//   strict: an unknown field is an error here, where a real API server would silently prune it.
//   Without them, a Chaos Mesh object is never taken as valid: schemaProblems throws and the
//   validating API server refuses it, so a test that makes one must skip (chaosMeshUnavailable).
// - kubernetes-models for everything else (the Kubernetes OpenAPI schemas, compiled).

const isChaosMesh = (apiVersion: string): boolean => apiVersion.startsWith('chaos-mesh.org/');

type Json = Record<string, unknown>;

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, strict(v)])) : strict(value);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

interface CrdSchema {
  readonly kind: string;
  readonly apiVersion: string;
  readonly validate: ValidateFunction;
  // The version's own schema, for tests that look a field up.
  readonly schema: Json;
}

let crds: Map<string, CrdSchema> | undefined;

// Every CRD of the Chaos Mesh release, by `apiVersion/kind`; empty when the CRDs are absent.
export function chaosMeshSchemas(): Map<string, CrdSchema> {
  if (crds) return crds;
  if (CHAOS_MESH_SCHEMAS === undefined) return (crds = new Map());
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  crds = new Map();
  for (const file of readdirSync(CHAOS_MESH_SCHEMAS).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(CHAOS_MESH_SCHEMAS, file), 'utf8')) as { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Json } }[] } };
    for (const version of crd.spec.versions) {
      const apiVersion = `${crd.spec.group}/${version.name}`;
      const schema = strict(version.schema.openAPIV3Schema) as Json;
      crds.set(`${apiVersion}/${crd.spec.names.kind}`, { kind: crd.spec.names.kind, apiVersion, validate: ajv.compile(schema), schema });
    }
  }
  return crds;
}

type ModelClass = new (data: unknown) => { validate(): void };
const models = new Map<string, ModelClass>();

// kubernetes-models keeps one module per kind: kubernetes-models/<group>/<version>/<Kind>.
async function modelOf(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    try {
      const module = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
      if (module[kind]) models.set(key, module[kind]);
    } catch {
      return undefined;
    }
  }
  return models.get(key);
}

function causesOf(errors: readonly { instancePath: string; message?: string; params?: Json }[]): StatusCause[] {
  return errors.map((e) => {
    const extra = e.params?.additionalProperty ? ` "${String(e.params.additionalProperty)}"` : e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
    return { field: e.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: `${e.message ?? 'invalid'}${extra}` };
  });
}

// Validates one object; an empty list when it is valid. Throws for a kind it has no schema of.
export async function schemaProblems(object: Json): Promise<StatusCause[]> {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const crd = chaosMeshSchemas().get(`${apiVersion}/${kind}`);
  if (crd) return crd.validate(object) ? [] : causesOf(crd.validate.errors ?? []);
  if (chaosMeshUnavailable && isChaosMesh(apiVersion)) throw new Error(`cannot check ${apiVersion} ${kind}: ${chaosMeshUnavailable}`);
  const Model = await modelOf(apiVersion, kind);
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}`);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string; params?: Json }[] }).errors;
    if (!errors) throw error;
    return causesOf(errors);
  }
}

// A synchronous validator for the test API server, with the kinds it will see loaded first.
export async function schemaValidator(kinds: readonly (readonly [string, string])[]): Promise<(object: Json) => StatusCause[]> {
  for (const [apiVersion, kind] of kinds) await modelOf(apiVersion, kind);
  chaosMeshSchemas();
  return (object) => {
    const key = `${String(object.apiVersion)}/${String(object.kind)}`;
    const crd = chaosMeshSchemas().get(key);
    if (crd) return crd.validate(object) ? [] : causesOf(crd.validate.errors ?? []);
    if (chaosMeshUnavailable && isChaosMesh(String(object.apiVersion))) return [{ field: '', message: `cannot be checked: ${chaosMeshUnavailable}` }];
    const Model = models.get(key);
    if (!Model) return [];
    try {
      new Model(object).validate();
      return [];
    } catch (error) {
      return causesOf((error as { errors?: { instancePath: string; message?: string; params?: Json }[] }).errors ?? [{ instancePath: '', message: String(error) }]);
    }
  };
}
