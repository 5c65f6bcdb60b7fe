/**
 * In-process MappingStore: unit tests, and a single-process dev bridge without Redis. Same rules as
 * the Redis store (duplicates, compare-and-set versions, state moves, tag limit); notices are
 * delivered to watchers of this instance only, on a microtask.
 */
import { randomUUID } from 'node:crypto';
import { invalid } from './rules.ts';
import type { ListPage, ListQuery, MappingStore, Unwatch } from './store.ts';
import {
  decodeMarker,
  duplicateError,
  duplicateKey,
  encodeMarker,
  MAX_TAGS,
  matchesQuery,
  movedState,
  notFound,
  removableOrThrow,
} from './store.ts';
import type { Mapping, MappingChange, MappingState, Tags } from './types.ts';

export interface MemoryStoreOptions {
  /** Epoch ms; defaults to Date.now. */
  readonly clock?: () => number;
}

export class MemoryMappingStore implements MappingStore {
  readonly #mappings = new Map<string, Mapping>();
  readonly #tags = new Map<string, Map<string, string>>();
  readonly #dups = new Map<string, string>();
  readonly #watchers = new Map<string, (change: MappingChange) => void>();
  readonly #clock: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async create(mapping: Mapping, tags: Tags = {}): Promise<Mapping> {
    const key = duplicateKey(mapping);
    const holder = this.#dups.get(key);
    if (holder !== undefined && this.#mappings.has(holder)) throw duplicateError(mapping, holder);
    if (this.#mappings.has(mapping.uuid)) throw invalid('UUID already in use.');
    this.#dups.set(key, mapping.uuid);
    this.#mappings.set(mapping.uuid, structuredClone(mapping));
    this.#tags.set(mapping.uuid, new Map(Object.entries(tags)));
    this.#notify({ uuid: mapping.uuid, kind: 'created' });
    return structuredClone(mapping);
  }

  async get(uuid: string): Promise<Mapping | undefined> {
    const m = this.#mappings.get(uuid);
    return m === undefined ? undefined : structuredClone(m);
  }

  async list(query: ListQuery): Promise<ListPage> {
    const after = query.marker === undefined ? '' : decodeMarker(query.marker);
    const uuids = [...this.#mappings.keys()].sort().filter((u) => u > after);
    const page: Mapping[] = [];
    let last: string | undefined;
    for (const uuid of uuids) {
      if (page.length >= query.maxItems) break;
      last = uuid;
      const m = this.#mappings.get(uuid);
      if (m !== undefined && matchesQuery(m, query)) page.push(structuredClone(m));
    }
    const more = last !== undefined && uuids.some((u) => u > last);
    return more && last !== undefined
      ? { mappings: page, nextMarker: encodeMarker(last) }
      : { mappings: page };
  }

  async all(): Promise<Mapping[]> {
    return [...this.#mappings.values()].map((m) => structuredClone(m));
  }

  async update(
    uuid: string,
    mutate: (current: Mapping) => Mapping,
    kind: MappingChange['kind'] = 'updated',
  ): Promise<Mapping> {
    const current = this.#mappings.get(uuid);
    if (current === undefined) throw notFound();
    const draft = structuredClone(current);
    const next = mutate(draft);
    if (next === draft) return draft;
    const oldKey = duplicateKey(current);
    const newKey = duplicateKey(next);
    if (oldKey !== newKey) {
      const holder = this.#dups.get(newKey);
      if (holder !== undefined && holder !== uuid && this.#mappings.has(holder))
        throw duplicateError(next, holder);
      this.#dups.set(newKey, uuid);
      if (this.#dups.get(oldKey) === uuid) this.#dups.delete(oldKey);
    }
    const stored = { ...structuredClone(next), uuid, version: current.version + 1 };
    this.#mappings.set(uuid, stored);
    this.#notify({ uuid, kind });
    return structuredClone(stored);
  }

  setState(uuid: string, state: MappingState, reason: string): Promise<Mapping> {
    return this.update(uuid, (m) => movedState(m, state, reason, this.#clock()), 'state');
  }

  async setLastProcessingResult(uuid: string, text: string): Promise<Mapping> {
    const current = this.#mappings.get(uuid);
    if (current === undefined) throw notFound();
    const stored = { ...current, lastProcessingResult: text, version: current.version + 1 };
    this.#mappings.set(uuid, stored);
    return structuredClone(stored);
  }

  async remove(uuid: string): Promise<boolean> {
    const current = this.#mappings.get(uuid);
    if (current === undefined) return false;
    removableOrThrow(current);
    const key = duplicateKey(current);
    if (this.#dups.get(key) === uuid) this.#dups.delete(key);
    this.#mappings.delete(uuid);
    this.#tags.delete(uuid);
    this.#notify({ uuid, kind: 'removed' });
    return true;
  }

  async getTags(uuid: string): Promise<Tags> {
    const tags = this.#tags.get(uuid);
    if (tags === undefined || !this.#mappings.has(uuid)) throw notFound();
    return Object.fromEntries(tags);
  }

  async tag(uuid: string, tags: Tags): Promise<void> {
    const current = this.#tags.get(uuid);
    if (current === undefined) throw notFound();
    const added = Object.keys(tags).filter((k) => !current.has(k)).length;
    if (current.size + added > MAX_TAGS) throw invalid(`A resource can have at most ${MAX_TAGS} tags.`);
    for (const [k, v] of Object.entries(tags)) current.set(k, v);
  }

  async untag(uuid: string, keys: readonly string[]): Promise<void> {
    const current = this.#tags.get(uuid);
    if (current === undefined) throw notFound();
    for (const k of keys) current.delete(k);
  }

  async watch(onChange: (change: MappingChange) => void): Promise<Unwatch> {
    const id = randomUUID();
    this.#watchers.set(id, onChange);
    return async () => {
      this.#watchers.delete(id);
    };
  }

  #notify(change: MappingChange): void {
    for (const watcher of this.#watchers.values()) queueMicrotask(() => watcher(change));
  }
}
