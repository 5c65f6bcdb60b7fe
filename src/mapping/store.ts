/**
 * The mapping store contract, shared by the Redis store (redis-store.ts, production: every bridge
 * instance sees the same mappings) and the in-memory store (memory-store.ts, unit tests and
 * single-process dev). Both enforce the same rules through the pure helpers below, so a test against
 * one holds for the other.
 *
 * Concurrency: every write is a compare-and-set on the whole mapping, so the admin API and any number
 * of runtimes can write at once without lost updates. Duplicate detection (same function, same
 * cluster or broker list, same topic) uses an index key claimed in the same atomic step as the write.
 */
import { createHash } from 'node:crypto';
import { BridgeError } from '../errors.ts';
import { invalid } from './rules.ts';
import { runtimeMoveAllowed } from './state.ts';
import type { Mapping, MappingChange, MappingState, Tags } from './types.ts';

export interface ListQuery {
  /** Opaque token from a previous page's `nextMarker`. */
  readonly marker?: string;
  /** Page size; callers cap it at 100 (Lambda's page limit). */
  readonly maxItems: number;
  /** Only mappings of this (resolved, possibly qualified) function ARN. */
  readonly functionArn?: string;
  /** Only mappings of this MSK cluster ARN. */
  readonly eventSourceArn?: string;
}

export interface ListPage {
  readonly mappings: Mapping[];
  /** Present when more mappings may follow. */
  readonly nextMarker?: string;
}

/** Stops a watch; resolves once the subscription is closed. */
export type Unwatch = () => Promise<void>;

export interface MappingStore {
  /**
   * Stores a new mapping and its tags, and publishes `created`.
   * @throws BridgeError CONFLICT, context `{ kind: 'duplicate', existingUuid }`, if an equal mapping exists.
   */
  create(mapping: Mapping, tags?: Tags): Promise<Mapping>;
  get(uuid: string): Promise<Mapping | undefined>;
  /** One page in UUID order. @throws BridgeError INVALID_PARAMETER for a malformed marker. */
  list(query: ListQuery): Promise<ListPage>;
  /** Every mapping (the runtime's reconcile loop). */
  all(): Promise<Mapping[]>;
  /**
   * Compare-and-set: `mutate` gets the current mapping and returns the next one (or throws, or returns
   * `current` unchanged for a no-op). The store bumps `version`, moves the duplicate and function
   * indexes, retries on a concurrent write and publishes `kind`.
   * @throws BridgeError NOT_FOUND; CONFLICT duplicate (new function collides); whatever `mutate` throws.
   */
  update(uuid: string, mutate: (current: Mapping) => Mapping, kind?: MappingChange['kind']): Promise<Mapping>;
  /**
   * Runtime: move the state on (Enabling/Enabled/Disabling/Disabled) with a reason; bumps LastModified.
   * @throws BridgeError NOT_FOUND; CONFLICT `{ kind: 'stale-transition' }` when the move is not allowed
   * from the current state (e.g. the mapping is Deleting, or `to` is Enabled but the user disabled it).
   */
  setState(uuid: string, state: MappingState, reason: string): Promise<Mapping>;
  /** Runtime: record the LastProcessingResult text (no LastModified change, no notice). @throws NOT_FOUND */
  setLastProcessingResult(uuid: string, text: string): Promise<Mapping>;
  /**
   * Runtime: final removal of a mapping in Deleting (record, indexes, tags); publishes `removed`.
   * Resolves false if it no longer exists. @throws BridgeError CONFLICT if it is not Deleting.
   */
  remove(uuid: string): Promise<boolean>;
  /** @throws BridgeError NOT_FOUND */
  getTags(uuid: string): Promise<Tags>;
  /** Adds or replaces tags (at most 50 per mapping). @throws NOT_FOUND, INVALID_PARAMETER */
  tag(uuid: string, tags: Tags): Promise<void>;
  /** @throws BridgeError NOT_FOUND */
  untag(uuid: string, keys: readonly string[]): Promise<void>;
  /**
   * Change notices from every instance (Redis pub/sub). Fire-and-forget: after a reconnect the store
   * emits `{ kind: 'resync', uuid: '*' }`, and the runtime should then re-read everything with all().
   */
  watch(onChange: (change: MappingChange) => void): Promise<Unwatch>;
}

export const MAX_TAGS = 50;

/** The identity AWS refuses to duplicate: function + cluster ARN (or broker list) + topic. */
export function duplicateKey(m: Mapping): string {
  const source = m.eventSourceArn ?? [...m.bootstrapServers].sort().join(',');
  return createHash('sha256').update(`${m.functionArn}\n${source}\n${m.topic}`).digest('hex');
}

/** AWS's ResourceConflictException message for a duplicate Kafka mapping (lambda-esm.md §2.7). */
export function duplicateError(m: Mapping, existingUuid: string): BridgeError {
  const source = m.eventSourceArn ?? m.bootstrapServers.join(',');
  return new BridgeError(
    'CONFLICT',
    `An event source mapping with event source ("${source}"), function ("${m.functionArn}"), topics ` +
      `("${m.topic}") already exists. Please update or delete the existing mapping with UUID ${existingUuid}`,
    { context: { kind: 'duplicate', existingUuid } },
  );
}

export function notFound(): BridgeError {
  return new BridgeError('NOT_FOUND', 'The resource you requested does not exist.');
}

export function encodeMarker(lastUuid: string): string {
  return Buffer.from(lastUuid, 'utf8').toString('base64url');
}

const UUID_ALPHABET = /^[0-9a-fA-F-]{1,64}$/;

/** @throws BridgeError INVALID_PARAMETER */
export function decodeMarker(marker: string): string {
  const text = /^[A-Za-z0-9_-]{1,100}$/.test(marker) ? Buffer.from(marker, 'base64url').toString('utf8') : '';
  if (!UUID_ALPHABET.test(text)) throw invalid('Invalid Marker.');
  return text;
}

/** The next mapping for a runtime state move, or throws CONFLICT stale-transition. */
export function movedState(current: Mapping, state: MappingState, reason: string, now: number): Mapping {
  if (!runtimeMoveAllowed(current, state)) {
    throw new BridgeError('CONFLICT', `State move ${current.state} -> ${state} is not allowed.`, {
      context: { kind: 'stale-transition', from: current.state, to: state },
    });
  }
  return { ...current, state, stateTransitionReason: reason, lastModifiedMs: now };
}

export function removableOrThrow(current: Mapping): void {
  if (current.state !== 'Deleting') {
    throw new BridgeError('CONFLICT', `Only a Deleting mapping can be removed (state: ${current.state}).`, {
      context: { kind: 'stale-transition', from: current.state },
    });
  }
}

/** Whether `m` passes a list query's filters. */
export function matchesQuery(m: Mapping, q: ListQuery): boolean {
  return (
    (q.functionArn === undefined || m.functionArn === q.functionArn) &&
    (q.eventSourceArn === undefined || m.eventSourceArn === q.eventSourceArn)
  );
}
