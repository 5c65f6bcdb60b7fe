/**
 * BatchConsumer over the native raw-batch addon (native/, built by tools/build-native.ts).
 * librdkafka is polled on libuv worker threads and each topic-partition's records arrive as one
 * Buffer in the raw-batch layout; this file only adapts shapes and errors.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchConsumer, RawBatch, TopicPartition, TopicPartitionOffset } from './consumer.ts';
import { type ConsumerOptions, DEFAULT_CONNECT_TIMEOUT_MS, logLevelOf } from './consumer-options.ts';
import { fromNativeError, kafkaError } from './kafka-error.ts';

/** The addon's JS surface (native/src/lib.rs). */
export interface NativeEvent {
  kind: 'error' | 'log' | 'stats' | 'oauthbearer-token-refresh';
  message: string;
  code?: number;
  name?: string;
  fatal?: boolean;
  level?: number;
  facility?: string;
}

interface NativeBatch extends TopicPartition {
  generation: number;
  data: Buffer;
  count: number;
  firstOffset: number;
  lastOffset: number;
}

interface NativePollResult {
  rebalances: Array<{ kind: 'assign' | 'revoke'; partitions: TopicPartition[]; generation: number }>;
  batches: NativeBatch[];
  droppedRecords: number;
}

export interface NativeConsumerHandle {
  connect(timeoutMs: number): Promise<void>;
  subscribe(topics: string[]): void;
  poll(maxRecords: number, timeoutMs: number): Promise<NativePollResult>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  seek(topic: string, partition: number, offset: number): void;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  committed(partitions: TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]>;
  watermarks(topic: string, partition: number, timeoutMs: number): Promise<{ low: number; high: number }>;
  assignment(): TopicPartition[];
  generation(): number;
  setOauthToken(token: string, expiresAtMs: number, principal: string): boolean;
  setOauthTokenFailure(message: string): boolean;
  close(): Promise<void>;
}

export interface NativeAddon {
  NativeConsumer: new (
    config: Record<string, string>,
    onEvent: (e: NativeEvent) => void,
  ) => NativeConsumerHandle;
  /** glibc's malloc_trim(0): true when memory went back to the OS (src/runtime/memory-trim.ts). */
  trimMemory?: () => boolean;
  /** A topic's configuration entries with a value (src/kafka/timestamp-type.ts). */
  describeTopicConfig?: (
    config: Record<string, string>,
    topic: string,
    timeoutMs: number,
  ) => Promise<Record<string, string>>;
}

export const DEFAULT_ADDON_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'native',
  'kafka-lambda-bridge.node',
);

/** Loads the addon; throws (with the reason) when it is missing or does not load here. */
export function loadNativeAddon(
  path: string = process.env.KLB_NATIVE_ADDON ?? DEFAULT_ADDON_PATH,
): NativeAddon {
  if (!existsSync(path)) throw new Error(`${path} does not exist (run: node tools/build-native.ts)`);
  const addon = createRequire(join(dirname(path), 'index.js'))(path) as Partial<NativeAddon>;
  if (typeof addon.NativeConsumer !== 'function') throw new Error(`${path} does not export NativeConsumer`);
  return addon as NativeAddon;
}

export class NativeBatchConsumer implements BatchConsumer {
  readonly kind = 'native' as const;
  readonly #options: ConsumerOptions;
  readonly #handle: NativeConsumerHandle;
  #inflight: Promise<unknown> | undefined;
  #closing: Promise<void> | undefined;

  constructor(addon: NativeAddon, options: ConsumerOptions) {
    this.#options = options;
    try {
      // The addon's callback must not hold this adapter strongly: it would keep the handle alive
      // forever, and a consumer dropped without disconnect() could never be closed by its finalizer.
      const self = new WeakRef(this);
      this.#handle = new addon.NativeConsumer(options.config, (e) => {
        const me = self.deref();
        if (me) me.#onEvent(e);
      });
    } catch (error) {
      throw fromNativeError(error, 'connect');
    }
  }

  #onEvent(e: NativeEvent): void {
    const { listener, logger, onStats, oauthTokenProvider } = this.#options;
    if (e.kind === 'error') {
      const error = kafkaError(e.code ?? -1, e.message, 'event', { name: e.name, fatal: e.fatal ?? false });
      listener.onError(error);
    } else if (e.kind === 'log') {
      logger[logLevelOf(e.level ?? 6)](e.message, { facility: e.facility, source: 'librdkafka' });
    } else if (e.kind === 'stats') {
      onStats?.(e.message);
    } else if (e.kind === 'oauthbearer-token-refresh') {
      if (!oauthTokenProvider) {
        this.#handle.setOauthTokenFailure('OAUTHBEARER needs an oauthTokenProvider');
        return;
      }
      oauthTokenProvider(e.message).then(
        (t) => this.#handle.setOauthToken(t.token, t.expiresAtMs, t.principal),
        (error: unknown) =>
          this.#handle.setOauthTokenFailure(error instanceof Error ? error.message : String(error)),
      );
    }
  }

  async connect(): Promise<void> {
    await this.#call('connect', () =>
      this.#handle.connect(this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    );
  }

  subscribe(topics: string[]): void {
    this.#sync('subscribe', () => this.#handle.subscribe(topics));
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<RawBatch[]> {
    const pending = this.#handle.poll(maxRecords, timeoutMs);
    this.#inflight = pending.catch(() => undefined);
    let result: NativePollResult;
    try {
      result = await pending;
    } catch (error) {
      throw fromNativeError(error, 'poll');
    } finally {
      this.#inflight = undefined;
    }
    // Rebalances first: a batch of generation g is never seen before the event that began g.
    for (const r of result.rebalances) this.#options.listener.onRebalance(r);
    return result.batches;
  }

  pause(partitions: TopicPartition[]): void {
    this.#sync('pause', () => this.#handle.pause(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    this.#sync('pause', () => this.#handle.resume(partitions));
  }

  async seek(target: TopicPartitionOffset): Promise<void> {
    this.#sync('seek', () => this.#handle.seek(target.topic, target.partition, target.offset));
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    await this.#call('commit', () => this.#handle.commit(offsets));
  }

  committed(partitions: TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]> {
    return this.#call('committed', () => this.#handle.committed(partitions, timeoutMs));
  }

  watermarks(target: TopicPartition, timeoutMs: number): Promise<{ low: number; high: number }> {
    return this.#call('watermarks', () => this.#handle.watermarks(target.topic, target.partition, timeoutMs));
  }

  assignment(): TopicPartition[] {
    return this.#handle.assignment();
  }

  /** Waits for a poll in flight, then leaves the group off the JS thread. Idempotent. */
  disconnect(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#inflight;
      await this.#handle.close();
    })();
    return this.#closing;
  }

  #sync(op: 'subscribe' | 'pause' | 'seek', run: () => void): void {
    try {
      run();
    } catch (error) {
      throw fromNativeError(error, op);
    }
  }

  async #call<T>(op: 'connect' | 'commit' | 'committed' | 'watermarks', run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw fromNativeError(error, op);
    }
  }
}
