import { stringify } from 'yaml';
import type { KubeObject } from '../client/types.js';

// Objects as one YAML stream, for --dry-run and the shipped manifests. Secret values are
// never printed: each becomes "<redacted>".
export function renderManifests(objects: readonly KubeObject[]): string {
  return objects
    .map((object) => {
      if (object.kind !== 'Secret') return stringify(object);
      const hidden = (values: unknown) => Object.fromEntries(Object.keys((values ?? {}) as object).map((k) => [k, '<redacted>']));
      return stringify({ ...object, ...(object.data ? { data: hidden(object.data) } : {}), ...(object.stringData ? { stringData: hidden(object.stringData) } : {}) });
    })
    .join('---\n');
}
