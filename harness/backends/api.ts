import { ErrorCode, KdrillError } from '../common/errors.js';
import { fakeBackend } from './fake/index.js';
import { kubernetesBackend } from './kubernetes/index.js';
import { localBackend } from './local/index.js';
import type { Backend } from './types.js';
import type { BackendKind } from '../model/topology.js';

// Explicit registry, in BACKEND_KINDS order. The registry test checks it against the folders.
export const BACKENDS: ReadonlyMap<BackendKind, Backend> = new Map(
  [localBackend, kubernetesBackend, fakeBackend].map((b) => [b.kind, b]),
);

// The backend of one kind.
export function backendFor(kind: BackendKind): Backend {
  const backend = BACKENDS.get(kind);
  if (!backend) throw new KdrillError(ErrorCode.INTERNAL, `backend "${kind}" has no entry in harness/backends/api.ts`);
  return backend;
}
