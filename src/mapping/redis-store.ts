/**
 * MappingStore on Redis (ioredis), shared by every bridge instance. Key layout and the atomic scripts
 * are in redis-scripts.ts. Changes are announced on `<prefix>esm:changes`; watch() subscribes on a
 * duplicated connection, because a subscribed ioredis client cannot run other commands.
 */
import type { Redis } from 'ioredis';
import { BridgeError } from '../errors.ts';
import { CREATE_SCRIPT, REMOVE_SCRIPT, TAG_SCRIPT, UNTAG_SCRIPT, UPDATE_SCRIPT } from './redis-scripts.ts';
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

export interface RedisStoreOptions {
  readonly redis: Redis;
  /** Key prefix; default `klb:`. */
  readonly prefix?: string;
  /** Epoch ms; defaults to Date.now. */
  readonly clock?: () => number;
}

const MAX_CAS_ATTEMPTS = 20;
const SCAN_CHUNK = 200;

export class RedisMappingStore implements MappingStore {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #clock: () => number;

  constructor(options: RedisStoreOptions) {
    this.#redis = options.redis;
    this.#p = `${options.prefix ?? 'klb:'}esm:`;
    this.#clock = options.clock ?? Date.now;
  }

  get channel(): string {
    return `${this.#p}changes`;
  }

  #record(uuid: string): string {
    return `${this.#p}${uuid}`;
  }
  #dup(m: Mapping): string {
    return `${this.#p}dup:${duplicateKey(m)}`;
  }
  #byFn(m: Mapping): string {
    return `${this.#p}by-fn:${m.functionArn}`;
  }
  #bySrc(m: Mapping): string {
    return `${this.#p}by-src:${m.eventSourceArn ?? ''}`;
  }
  #tags(uuid: string): string {
    return `${this.#p}tags:${uuid}`;
  }
  #message(uuid: string, kind: MappingChange['kind']): string {
    return JSON.stringify({ uuid, kind });
  }

  async create(mapping: Mapping, tags: Tags = {}): Promise<Mapping> {
    const keys = [
      this.#record(mapping.uuid),
      this.#dup(mapping),
      `${this.#p}all`,
      this.#byFn(mapping),
      this.#bySrc(mapping),
      this.#tags(mapping.uuid),
    ];
    const args = [
      mapping.uuid,
      JSON.stringify(mapping),
      this.#p,
      this.channel,
      this.#message(mapping.uuid, 'created'),
      mapping.eventSourceArn === undefined ? '0' : '1',
      ...Object.entries(tags).flat(),
    ];
    const reply = (await this.#redis.eval(CREATE_SCRIPT, keys.length, ...keys, ...args)) as string[];
    if (reply[0] === 'duplicate') throw duplicateError(mapping, reply[1] ?? '');
    if (reply[0] !== 'ok') throw invalid('UUID already in use.');
    return mapping;
  }

  async #read(uuid: string): Promise<{ json: string; mapping: Mapping } | undefined> {
    const json = await this.#redis.get(this.#record(uuid));
    return json === null ? undefined : { json, mapping: JSON.parse(json) as Mapping };
  }

  async get(uuid: string): Promise<Mapping | undefined> {
    return (await this.#read(uuid))?.mapping;
  }

  async list(query: ListQuery): Promise<ListPage> {
    const index =
      query.functionArn !== undefined
        ? `${this.#p}by-fn:${query.functionArn}`
        : query.eventSourceArn !== undefined
          ? `${this.#p}by-src:${query.eventSourceArn}`
          : `${this.#p}all`;
    let after = query.marker === undefined ? '-' : `(${decodeMarker(query.marker)}`;
    const page: Mapping[] = [];
    for (;;) {
      const want = Math.min(SCAN_CHUNK, query.maxItems - page.length);
      const uuids = await this.#redis.zrangebylex(index, after, '+', 'LIMIT', 0, want);
      if (uuids.length === 0) return { mappings: page };
      const jsons = await this.#redis.mget(uuids.map((u) => this.#record(u)));
      for (const json of jsons) {
        if (json === null) continue;
        const m = JSON.parse(json) as Mapping;
        if (matchesQuery(m, query)) page.push(m);
      }
      const last = uuids[uuids.length - 1] as string;
      after = `(${last}`;
      if (page.length >= query.maxItems || uuids.length < want) {
        const more = await this.#redis.zrangebylex(index, after, '+', 'LIMIT', 0, 1);
        return more.length > 0 ? { mappings: page, nextMarker: encodeMarker(last) } : { mappings: page };
      }
    }
  }

  async all(): Promise<Mapping[]> {
    const out: Mapping[] = [];
    let marker: string | undefined;
    do {
      const page = await this.list(marker === undefined ? { maxItems: 500 } : { maxItems: 500, marker });
      out.push(...page.mappings);
      marker = page.nextMarker;
    } while (marker !== undefined);
    return out;
  }

  update(
    uuid: string,
    mutate: (current: Mapping) => Mapping,
    kind: MappingChange['kind'] = 'updated',
  ): Promise<Mapping> {
    return this.#cas(uuid, mutate, kind);
  }

  /** Compare-and-set loop; `kind` undefined writes without a change notice. */
  async #cas(
    uuid: string,
    mutate: (current: Mapping) => Mapping,
    kind: MappingChange['kind'] | undefined,
  ): Promise<Mapping> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const read = await this.#read(uuid);
      if (read === undefined) throw notFound();
      const current = read.mapping;
      const draft = JSON.parse(read.json) as Mapping;
      const next = mutate(draft);
      if (next === draft) return current;
      const stored: Mapping = { ...next, uuid, version: current.version + 1 };
      const keys = [
        this.#record(uuid),
        this.#dup(current),
        this.#dup(stored),
        this.#byFn(current),
        this.#byFn(stored),
      ];
      const message = kind === undefined ? '' : this.#message(uuid, kind);
      const args = [read.json, JSON.stringify(stored), uuid, this.#p, this.channel, message];
      const reply = (await this.#redis.eval(UPDATE_SCRIPT, keys.length, ...keys, ...args)) as string[];
      if (reply[0] === 'ok') return stored;
      if (reply[0] === 'missing') throw notFound();
      if (reply[0] === 'duplicate') throw duplicateError(stored, reply[1] ?? '');
    }
    throw new BridgeError('REDIS_FAILED', 'Too many concurrent writes to one mapping.', { retriable: true });
  }

  setState(uuid: string, state: MappingState, reason: string): Promise<Mapping> {
    return this.update(uuid, (m) => movedState(m, state, reason, this.#clock()), 'state');
  }

  setLastProcessingResult(uuid: string, text: string): Promise<Mapping> {
    return this.#cas(uuid, (m) => ({ ...m, lastProcessingResult: text }), undefined);
  }

  async remove(uuid: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const read = await this.#read(uuid);
      if (read === undefined) return false;
      const m = read.mapping;
      removableOrThrow(m);
      const keys = [
        this.#record(uuid),
        this.#dup(m),
        `${this.#p}all`,
        this.#byFn(m),
        this.#bySrc(m),
        this.#tags(uuid),
      ];
      const args = [read.json, uuid, this.channel, this.#message(uuid, 'removed')];
      const reply = await this.#redis.eval(REMOVE_SCRIPT, keys.length, ...keys, ...args);
      if (reply === 'ok') return true;
      if (reply === 'missing') return false;
    }
    throw new BridgeError('REDIS_FAILED', 'Too many concurrent writes to one mapping.', { retriable: true });
  }

  async getTags(uuid: string): Promise<Tags> {
    const [[, exists], [, tags]] = (await this.#redis
      .multi()
      .exists(this.#record(uuid))
      .hgetall(this.#tags(uuid))
      .exec()) as [[null, number], [null, Record<string, string>]];
    if (exists !== 1) throw notFound();
    return Object.assign(Object.create(null) as Record<string, string>, tags);
  }

  async tag(uuid: string, tags: Tags): Promise<void> {
    const keys = [this.#record(uuid), this.#tags(uuid)];
    const reply = await this.#redis.eval(TAG_SCRIPT, 2, ...keys, MAX_TAGS, ...Object.entries(tags).flat());
    if (reply === -1) throw notFound();
    if (reply === -2) throw invalid(`A resource can have at most ${MAX_TAGS} tags.`);
  }

  async untag(uuid: string, keys: readonly string[]): Promise<void> {
    const reply = await this.#redis.eval(UNTAG_SCRIPT, 2, this.#record(uuid), this.#tags(uuid), ...keys);
    if (reply === -1) throw notFound();
  }

  async watch(onChange: (change: MappingChange) => void): Promise<Unwatch> {
    const sub = this.#redis.duplicate();
    let subscribedOnce = false;
    sub.on('message', (_channel: string, message: string) => {
      const change = parseChange(message);
      if (change !== undefined) onChange(change);
    });
    // ioredis re-subscribes after a reconnect; notices published meanwhile are lost, so ask for a resync.
    sub.on('ready', () => {
      if (subscribedOnce) onChange({ uuid: '*', kind: 'resync' });
    });
    await sub.subscribe(this.channel);
    subscribedOnce = true;
    return async () => {
      sub.removeAllListeners('message');
      await sub.quit();
    };
  }
}

const KINDS: ReadonlySet<string> = new Set(['created', 'updated', 'state', 'deleting', 'removed', 'resync']);

function parseChange(message: string): MappingChange | undefined {
  try {
    const v = JSON.parse(message) as { uuid?: unknown; kind?: unknown };
    if (typeof v.uuid === 'string' && typeof v.kind === 'string' && KINDS.has(v.kind)) {
      return { uuid: v.uuid, kind: v.kind as MappingChange['kind'] };
    }
  } catch {
    // Not ours: ignore foreign publishers on the channel.
  }
  return undefined;
}
