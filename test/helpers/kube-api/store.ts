import { randomUUID } from 'node:crypto';
import type { ManagedEntry } from './apply.js';
import type { JsonObject } from './patch.js';
import { apiVersionOf, type ResourceType } from './resources.js';

export interface StoredObject {
  object: JsonObject;
  managed: ManagedEntry[];
}

export interface WatchEvent {
  readonly revision: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: ResourceType;
  readonly object: JsonObject;
  readonly previous?: JsonObject;
}

type Listener = (event: WatchEvent) => void;

function metadataOf(object: JsonObject): JsonObject {
  return object.metadata as JsonObject;
}

// The API server's etcd: objects by resource, namespace and name; one revision counter that
// every write advances (resourceVersion); the history of events a watch replays from a
// revision, until compacted.
export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly history: WatchEvent[] = [];
  private readonly listeners = new Set<Listener>();
  revision = 1;
  // Watches from a revision older than this get 410 Gone.
  compactedAt = 0;

  static key(resource: ResourceType, namespace: string | undefined, name: string): string {
    return `${apiVersionOf(resource)}/${resource.plural}/${namespace ?? ''}/${name}`;
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(ObjectStore.key(resource, namespace, name));
  }

  list(resource: ResourceType, namespace: string | undefined): StoredObject[] {
    const prefix = `${apiVersionOf(resource)}/${resource.plural}/${namespace ?? ''}`;
    return [...this.objects.entries()]
      .filter(([k]) => (namespace === undefined ? k.startsWith(`${apiVersionOf(resource)}/${resource.plural}/`) : k.startsWith(`${prefix}/`)))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, v]) => v);
  }

  // Writes a new or changed object: stamps a new resourceVersion (and uid, creation time and
  // generation) and tells every watch.
  write(resource: ResourceType, stored: StoredObject): JsonObject {
    const meta = metadataOf(stored.object);
    const key = ObjectStore.key(resource, meta.namespace as string | undefined, meta.name as string);
    const before = this.objects.get(key);
    this.revision++;
    const previousMeta = before ? metadataOf(before.object) : undefined;
    meta.uid = (previousMeta?.uid as string | undefined) ?? randomUUID();
    meta.creationTimestamp = (previousMeta?.creationTimestamp as string | undefined) ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const specChanged = !before || JSON.stringify(before.object.spec) !== JSON.stringify(stored.object.spec);
    meta.generation = ((previousMeta?.generation as number | undefined) ?? 0) + (specChanged ? 1 : 0);
    meta.resourceVersion = String(this.revision);
    this.objects.set(key, stored);
    this.emit({ revision: this.revision, type: before ? 'MODIFIED' : 'ADDED', resource, object: structuredClone(stored.object), ...(before ? { previous: before.object } : {}) });
    return stored.object;
  }

  remove(resource: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = ObjectStore.key(resource, namespace, name);
    const before = this.objects.get(key);
    if (!before) return undefined;
    this.objects.delete(key);
    this.revision++;
    const object = structuredClone(before.object);
    metadataOf(object).resourceVersion = String(this.revision);
    this.emit({ revision: this.revision, type: 'DELETED', resource, object, previous: before.object });
    return object;
  }

  // Events after `revision` for one resource, or undefined when they were compacted away.
  since(resource: ResourceType, revision: number): WatchEvent[] | undefined {
    if (revision < this.compactedAt) return undefined;
    return this.history.filter((e) => e.resource === resource && e.revision > revision);
  }

  compact(): void {
    this.compactedAt = this.revision;
    this.history.length = 0;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WatchEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
