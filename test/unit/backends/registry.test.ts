import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../harness/actions/api.js';
import { detectPrivilege } from '../../../harness/backends/local/privilege.js';
import { BACKENDS, backendFor } from '../../../harness/backends/api.js';
import { BACKEND_KINDS } from '../../../harness/model/topology.js';
import { BackendUnavailableError } from '../../../harness/common/errors.js';
import { FAULT_TYPES } from '../../../harness/model/fault.js';
import { localTargetSchema } from '../../../harness/scenario/schema/target.js';

const BACKENDS_DIR = fileURLToPath(new URL('../../../harness/backends/', import.meta.url));

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const loopback = localTargetSchema.parse({ backend: 'local', privilege: 'loopback' });
const rooted = localTargetSchema.parse({ backend: 'local', privilege: 'root' });

describe('backend registry', () => {
  it('has one folder per registered backend, and registers every backend kind', () => {
    expect(folders(BACKENDS_DIR)).toEqual([...BACKENDS.keys()].sort());
    expect([...BACKENDS.keys()].sort()).toEqual([...BACKEND_KINDS].sort());
  });

  it.each([...BACKEND_KINDS])('%s is keyed by its own kind and declares only known faults and actions', (kind) => {
    const backend = backendFor(kind);
    expect(backend.kind).toBe(kind);
    expect(backend.summary).toMatch(/\S/);
    for (const fault of backend.faults) expect(FAULT_TYPES).toContain(fault);
    for (const action of backend.actions) expect([...ACTIONS.keys()]).toContain(action);
  });

  it('local supports every action and refuses network faults in loopback mode only', () => {
    const local = backendFor('local');
    expect([...local.actions].sort()).toEqual([...ACTIONS.keys()].sort());
    expect(local.refuse?.('zone-partition', loopback)).toBe(
      'zone-partition needs network namespaces, which loopback mode does not have: every node shares 127.0.0.0/8; run as root or allow unprivileged user namespaces',
    );
    expect(local.refuse?.('node-crash', loopback)).toBeUndefined();
    expect(local.refuse?.('zone-partition', rooted)).toBeUndefined();
  });

  it('kubernetes refuses, before anything else, a kubeconfig it cannot read', async () => {
    const target = { backend: 'kubernetes', context: 'kind-kdrill', namespace: 'kdrill-pg', allowedContexts: ['kind-kdrill'], allowedNamespaces: ['kdrill-pg'] };
    process.env.KUBECONFIG = '/nonexistent/kubeconfig';
    const connecting = backendFor('kubernetes').preflight!(target as never);
    await expect(connecting).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(connecting).rejects.toThrow(/the kubeconfig \/nonexistent\/kubeconfig could not be read/);
  });

  it('local: loopback mode needs no privilege, and a strategy that fails says why', async () => {
    expect(await detectPrivilege('loopback')).toEqual({ mode: 'loopback', attempts: [] });
    const asked = await detectPrivilege('root');
    if (process.getuid?.() === 0) expect(asked).toEqual({ mode: 'root', attempts: [] });
    else expect(asked).toEqual({ mode: undefined, attempts: [{ strategy: 'root', reason: `kdrill runs as uid ${process.getuid?.()}, not root` }] });
  });
});
