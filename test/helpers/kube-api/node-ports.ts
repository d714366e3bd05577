import type { JsonObject } from './patch.js';
import type { StatusCause } from './status.js';

interface ServiceSpec {
  type?: string;
  ports?: { nodePort?: number }[];
}

const holdsNodePorts = (spec: ServiceSpec | undefined): boolean => spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';

// The API server's NodePort allocator as a write meets it: one allocator for the whole cluster,
// so a nodePort held by a NodePort or LoadBalancer Service in any namespace is refused to every
// other Service, with the words of kubernetes pkg/registry/core/service/storage/alloc.go
// (field.Invalid(spec.ports[i].nodePort, port, portallocator.ErrAllocated)). A Service keeps
// its own ports on update; a deleted one, or one turned ClusterIP, frees them.
// Not modelled: the range check (30000-32767) and picking a port for a Service that names none.
export function nodePortConflicts(services: readonly JsonObject[], candidate: JsonObject): StatusCause[] {
  const spec = candidate.spec as ServiceSpec | undefined;
  if (!holdsNodePorts(spec)) return [];
  const self = candidate.metadata as JsonObject;
  const held = new Set<number>();
  for (const service of services) {
    const meta = service.metadata as JsonObject;
    if (meta.namespace === self.namespace && meta.name === self.name) continue;
    const other = service.spec as ServiceSpec | undefined;
    if (holdsNodePorts(other)) for (const port of other?.ports ?? []) if (port.nodePort) held.add(port.nodePort);
  }
  return (spec?.ports ?? []).flatMap((port, i) =>
    port.nodePort && held.has(port.nodePort) ? [{ field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${port.nodePort}: provided port is already allocated` }] : [],
  );
}
