/**
 * The failed-batch store on Redis (ioredis): given-up batches, kept binary-safe for inspection and
 * replay. Key layout in keys.ts; metadata encoding in codec.ts.
 *
 * - `put` writes the metadata hash, the packed records (a raw string value, never JSON) and the index
 *   entry in one MULTI, so a reader never sees half a batch; retention runs in the same transaction.
 *   It throws BridgeError REDIS_FAILED when Redis fails or does not answer within `timeoutMs`; the
 *   caller then must not commit past the batch (invariant 2).
 * - Ids are `<partition>-<firstOffset>-<lastOffset>`, so a put is idempotent: the runtime may hand the
 *   same batch off twice (a put that timed out but landed, a crash before the commit), and the second
 *   put replaces the first instead of adding a duplicate.
 * - Retention: batches older than `maxAgeMs` and beyond the newest `maxPerMapping` are dropped on
 *   every put of that mapping and by `trim()` for all mappings.
 */
import type { Redis } from 'ioredis';
import { BridgeError } from '../errors.ts';
import { clip, decodeMarker, encodeMarker, fromFields, matchesQuery, toFields } from './codec.ts';
import { type FailureKeys, failureKeys } from './keys.ts';
import { bound, checkExec, withDeadline } from './redis-call.ts';
import { TRIM_SCRIPT, UPDATE_IF_EXISTS_SCRIPT } from './scripts.ts';
import type {
  DestinationState,
  FailedBatch,
  FailedBatchInput,
  FailedBatchMeta,
  FailedBatchPage,
  FailedBatchQuery,
} from './types.ts';
import { displayRecords, summarize } from './view.ts';

export interface FailedBatchStoreOptions {
  readonly redis: Redis;
  /** Key prefix, e.g. `klb:failed:`. */
  readonly prefix: string;
  /** Drop batches older than this; default 14 days; 0 = no age limit. */
  readonly maxAgeMs?: number;
  /** Keep at most this many batches per mapping (the newest); default 10 000. */
  readonly maxPerMapping?: number;
  /** A Redis call slower than this fails with REDIS_FAILED; default 10 s. */
  readonly timeoutMs?: number;
  readonly clock?: () => number;
}

export const DEFAULT_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
export const DEFAULT_MAX_PER_MAPPING = 10_000;
const TRIM_CAP = 1000;
const PAGE_DEFAULT = 50;
const PAGE_MAX = 1000;
/** A list call reads at most this many index entries, then returns a marker to continue. */
const SCAN_BUDGET = 10_000;
const CHUNK = 200;

export const batchIdOf = (partition: number, firstOffset: number, lastOffset: number): string =>
  `${partition}-${firstOffset}-${lastOffset}`;

export class FailedBatchStore {
  readonly keys: FailureKeys;
  readonly #redis: Redis;
  readonly #maxAgeMs: number;
  readonly #maxPerMapping: number;
  readonly #timeoutMs: number;
  readonly #clock: () => number;

  constructor(options: FailedBatchStoreOptions) {
    this.#redis = options.redis;
    this.keys = failureKeys(options.prefix);
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#maxPerMapping = Math.max(1, options.maxPerMapping ?? DEFAULT_MAX_PER_MAPPING);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * Stores a failed batch; resolves with its id once Redis has it.
   * @throws BridgeError REDIS_FAILED (retriable) when Redis fails or times out;
   *         EncodeError / INVALID_PARAMETER for a malformed or empty batch.
   */
  async put(input: FailedBatchInput): Promise<string> {
    const s = summarize(input.packed);
    const id = batchIdOf(s.partition, s.firstOffset, s.lastOffset);
    const now = this.#clock();
    const meta: FailedBatchMeta = {
      id,
      mappingId: input.mappingId,
      functionArn: input.functionArn,
      ...s,
      condition: input.condition,
      error: input.error,
      attempts: input.attempts,
      approximateInvokeCount: input.approximateInvokeCount,
      responseContext: input.responseContext ?? null,
      createdAtMs: now,
      replayCount: 0,
      state: 'failed',
      destination: 'none',
    };
    const k = this.keys;
    const m = input.mappingId;
    const p = input.packed;
    const tx = this.#redis
      .multi()
      .del(k.batch(m, id))
      .hset(k.batch(m, id), toFields(meta))
      .set(k.records(m, id), Buffer.from(p.buffer, p.byteOffset, p.byteLength))
      .zadd(k.index(m), now, id)
      .sadd(k.mappings, m)
      .eval(TRIM_SCRIPT, 2, k.index(m), k.mappings, ...this.#trimArgs(m, now));
    await this.#call('store failed batch', async () => checkExec(await tx.exec()));
    return id;
  }

  /** One page of a mapping's batches, oldest first, filtered. */
  async list(mappingId: string, query: FailedBatchQuery = {}): Promise<FailedBatchPage> {
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? PAGE_DEFAULT)), PAGE_MAX);
    const after = query.marker === undefined ? undefined : decodeMarker(query.marker);
    if (query.marker !== undefined && after === undefined) {
      throw new BridgeError('INVALID_PARAMETER', 'Invalid Marker.');
    }
    const min = Math.max(query.fromMs ?? Number.NEGATIVE_INFINITY, after?.score ?? Number.NEGATIVE_INFINITY);
    const max = query.toMs ?? Number.POSITIVE_INFINITY;
    const batches: FailedBatchMeta[] = [];
    let scanned = 0;
    let last: { score: number; id: string } | undefined;
    for (let offset = 0; scanned < SCAN_BUDGET; offset += CHUNK) {
      const flat = await this.#call('list failed batches', () =>
        this.#redis.zrangebyscore(
          this.keys.index(mappingId),
          bound(min),
          bound(max),
          'WITHSCORES',
          'LIMIT',
          offset,
          CHUNK,
        ),
      );
      if (flat.length === 0) return { batches };
      const entries: { id: string; score: number }[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        const score = Number(flat[i + 1]);
        if (after && score === after.score && id <= after.id) continue;
        entries.push({ id, score });
      }
      const metas = await this.#metas(
        mappingId,
        entries.map((e) => e.id),
      );
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as { id: string; score: number };
        scanned++;
        last = entry;
        const meta = metas[i];
        if (meta === undefined || !matchesQuery(meta, query)) continue;
        batches.push(meta);
        if (batches.length === limit) return { batches, nextMarker: encodeMarker(entry.score, entry.id) };
      }
      if (flat.length < CHUNK * 2) return { batches };
    }
    return last === undefined ? { batches } : { batches, nextMarker: encodeMarker(last.score, last.id) };
  }

  /** A batch's metadata, without records. */
  async getMeta(mappingId: string, id: string): Promise<FailedBatchMeta | undefined> {
    const [meta] = await this.#metas(mappingId, [id]);
    return meta;
  }

  /** A batch with its records decoded for display. */
  async get(mappingId: string, id: string): Promise<FailedBatch | undefined> {
    const found = await this.getPacked(mappingId, id);
    return found && { ...found.meta, records: displayRecords(found.packed) };
  }

  /** A batch's metadata and packed records (what replay sends). */
  async getPacked(
    mappingId: string,
    id: string,
  ): Promise<{ meta: FailedBatchMeta; packed: Uint8Array } | undefined> {
    const reply = await this.#call('read failed batch', async () =>
      checkExec(
        await this.#redis
          .multi()
          .hgetall(this.keys.batch(mappingId, id))
          .getBuffer(this.keys.records(mappingId, id))
          .exec(),
      ),
    );
    const meta = fromFields(reply[0] as Record<string, string>);
    const packed = reply[1] as Buffer | null;
    return meta === undefined || packed === null ? undefined : { meta, packed };
  }

  /** Removes a batch; false when there was none. */
  async delete(mappingId: string, id: string): Promise<boolean> {
    const k = this.keys;
    const reply = await this.#call('delete failed batch', async () =>
      checkExec(
        await this.#redis
          .multi()
          .del(k.batch(mappingId, id), k.records(mappingId, id))
          .zrem(k.index(mappingId), id)
          .exec(),
      ),
    );
    return (reply[0] as number) > 0;
  }

  /** Records what the on-failure destination did with a batch (no-op if the batch is gone). */
  async markDestination(mappingId: string, id: string, state: DestinationState, error?: string) {
    const args =
      error === undefined
        ? ['destinationError', 'destination', state]
        : ['', 'destination', state, 'destinationError', clip(error)];
    await this.#call('mark failed batch', () =>
      this.#redis.eval(UPDATE_IF_EXISTS_SCRIPT, 1, this.keys.batch(mappingId, id), ...args),
    );
  }

  /** Applies retention to every mapping; returns how many batches were dropped. */
  async trim(): Promise<number> {
    const k = this.keys;
    const mappings = await this.#call('trim failed batches', () => this.#redis.smembers(k.mappings));
    const now = this.#clock();
    let total = 0;
    for (const m of mappings) {
      for (;;) {
        const removed = Number(
          await this.#call('trim failed batches', () =>
            this.#redis.eval(TRIM_SCRIPT, 2, k.index(m), k.mappings, ...this.#trimArgs(m, now)),
          ),
        );
        total += removed;
        if (removed < TRIM_CAP) break;
      }
    }
    return total;
  }

  #trimArgs(mappingId: string, now: number): (string | number)[] {
    const minCreated = this.#maxAgeMs > 0 ? now - this.#maxAgeMs : 0;
    return [this.keys.mappingPrefix(mappingId), minCreated, this.#maxPerMapping, mappingId, TRIM_CAP];
  }

  async #metas(mappingId: string, ids: readonly string[]): Promise<(FailedBatchMeta | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.batch(mappingId, id));
    const reply = await this.#call('read failed batches', async () => checkExec(await pipeline.exec()));
    return reply.map((fields) => fromFields(fields as Record<string, string>));
  }

  #call<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withDeadline(what, this.#timeoutMs, op);
  }
}
