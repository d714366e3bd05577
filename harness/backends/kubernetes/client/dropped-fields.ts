// What an object kdrill sent holds that the object the API server stored lacks, or holds
// differently: the fields a custom resource's structural schema pruned (a CRD older than the
// objects kdrill makes drops what it does not know, silently, with 201 Created) or that a
// mutating webhook rewrote. Defaults the server added are not differences. Paths as
// `spec.delay.latency`, `spec.selector.pods.kdrill-pg[0]`.
export function droppedFields(sent: unknown, stored: unknown, at: string): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(stored)) return [at];
    return sent.flatMap((item, i) => (i < stored.length ? droppedFields(item, stored[i], `${at}[${i}]`) : [`${at}[${i}]`]));
  }
  if (sent !== null && typeof sent === 'object') {
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [at];
    const kept = stored as Record<string, unknown>;
    return Object.entries(sent as Record<string, unknown>).flatMap(([key, value]) => {
      const path = `${at}.${key}`;
      if (!(key in kept)) return value === undefined ? [] : [path];
      return droppedFields(value, kept[key], path);
    });
  }
  return Object.is(sent, stored) ? [] : [at];
}
