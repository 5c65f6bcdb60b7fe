/**
 * BatchConsumer over `@confluentinc/kafka-javascript`'s node-rdkafka-style KafkaConsumer: the
 * fallback when the native addon does not load. Only `consume(n)` (never flowing mode, never the
 * KafkaJS-style layer: shared/docs/consumer-perf.md), and the messages are packed into the raw-batch
 * layout per partition so the core cannot tell the adapters apart.
 *
 * Around a rebalance the binding may hand over records that were fetched before it; those of
 * revoked partitions are dropped, and when a partition's offsets go backwards inside one consume
 * (it was re-assigned and restarted at the committed offset) only the part after the rewind is
 * kept. Duplicates are possible there, gaps are not.
 */
import type { TimestampType } from '../encode/layout.ts';
import { type MessageLike, pack } from '../encode/pack.ts';
import { BridgeError } from '../errors.ts';
import { kafkaLibrary } from './client-library.ts';
import type {
  BatchConsumer,
  RawBatch,
  RebalanceEvent,
  TopicPartition,
  TopicPartitionOffset,
} from './consumer.ts';
import { type ConsumerOptions, DEFAULT_CONNECT_TIMEOUT_MS, logLevelOf } from './consumer-options.ts';
import { classify, fromBindingError, type KafkaOp, kafkaError, RD } from './kafka-error.ts';
import { PartitionControl } from './partition-control.ts';

interface BindingMessage extends MessageLike {
  topic: string;
  partition: number;
}

type Cb<T = void> = (err: unknown, value: T) => void;

/** The part of the binding's KafkaConsumer this adapter uses (commitCb is missing from its .d.ts). */
interface BindingConsumer {
  connect(options: { timeout: number }, cb: Cb<unknown>): void;
  disconnect(cb: Cb<unknown>): void;
  subscribe(topics: string[]): void;
  unsubscribe(): void;
  consume(n: number, cb: Cb<BindingMessage[]>): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  pause(tps: TopicPartition[]): void;
  resume(tps: TopicPartition[]): void;
  seek(tpo: TopicPartitionOffset, timeout: number, cb: (err: unknown) => void): void;
  commitCb(tpos: TopicPartitionOffset[], cb: (err: unknown) => void): void;
  committed(tps: TopicPartition[], timeout: number, cb: Cb<TopicPartitionOffset[]>): void;
  queryWatermarkOffsets(topic: string, partition: number, timeout: number, cb: Cb<WatermarkAnswer>): void;
  assign(tps: TopicPartition[]): void;
  unassign(): void;
  incrementalAssign(tps: TopicPartition[]): void;
  incrementalUnassign(tps: TopicPartition[]): void;
  rebalanceProtocol(): string;
  isConnected(): boolean;
  on(event: string, listener: (...args: never[]) => void): void;
}

interface WatermarkAnswer {
  lowOffset: number;
  highOffset: number;
}

export interface BindingConsumerOptions extends ConsumerOptions {
  /**
   * The topic's `message.timestamp.type` (1 CREATE_TIME, 2 LOG_APPEND_TIME). The binding exposes
   * neither the per-message type nor DescribeConfigs, so the caller supplies it; read once per topic.
   * Default: CREATE_TIME, Kafka's default.
   */
  timestampTypeOf?: (topic: string) => Promise<TimestampType>;
}

/** Measured in shared/docs/consumer-perf.md: same speed, ≈ 130 MiB instead of ≈ 290 MiB RSS. */
const DEFAULTS: Record<string, string> = {
  'fetch.queue.backoff.ms': '10',
  'queued.max.messages.kbytes': '16384',
};

/** librdkafka topic-level consumer properties (CONFIGURATION.md, "Topic configuration properties"). */
const TOPIC_PROPERTIES = ['auto.offset.reset', 'consume.callback.max.messages'];

/**
 * The binding passes librdkafka's error events on as text only (code -1), so the few codes the
 * bridge acts on are recovered from librdkafka's fixed rd_kafka_err2str() texts.
 */
const ERROR_TEXTS: Array<[RegExp, number]> = [
  [/authentication/i, RD.AUTHENTICATION],
  [/ssl/i, RD.SSL],
  [/topic authorization failed/i, RD.TOPIC_AUTHORIZATION_FAILED],
  [/group authorization failed/i, RD.GROUP_AUTHORIZATION_FAILED],
  [/all broker connections are down/i, RD.ALL_BROKERS_DOWN],
  [/broker transport failure/i, RD.TRANSPORT],
  [/timed out/i, RD.TIMED_OUT],
];

export function codeFromText(message: string): number {
  return ERROR_TEXTS.find(([re]) => re.test(message))?.[1] ?? -1;
}

const key = (topic: string, partition: number) => `${partition}:${topic}`;

export class BindingBatchConsumer implements BatchConsumer {
  readonly kind = 'binding' as const;
  readonly #options: BindingConsumerOptions;
  readonly #consumer: BindingConsumer;
  readonly #control = new PartitionControl();
  readonly #owned = new Map<string, TopicPartition>();
  readonly #tsTypes = new Map<string, Promise<TimestampType>>();
  #pending: RebalanceEvent[] = [];
  #generation = 0;
  #lastError: { code: number; message: string } | undefined;
  #authFailed: ((e: { code: number; message: string }) => void) | undefined;
  #inflight: Promise<unknown> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: BindingConsumerOptions) {
    this.#options = options;
    const { oauthTokenProvider } = options;
    const conf: Record<string, unknown> = {
      ...DEFAULTS,
      ...options.config,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      event_cb: true,
      rebalance_cb: (err: { code?: number } | undefined, assignment: TopicPartition[]) =>
        this.#onRebalance(err?.code ?? 0, assignment),
    };
    if (oauthTokenProvider) {
      conf.oauthbearer_token_refresh_cb = async (cfg: string) => {
        const t = await oauthTokenProvider(cfg ?? '');
        return { tokenValue: t.token, lifetime: t.expiresAtMs, principal: t.principal };
      };
    }
    const Ctor = (
      kafkaLibrary() as unknown as {
        KafkaConsumer: new (c: Record<string, unknown>, t: object) => BindingConsumer;
      }
    ).KafkaConsumer;
    // The binding applies topic-level properties only from its second argument.
    const topicConf: Record<string, unknown> = {};
    for (const name of TOPIC_PROPERTIES) {
      if (name in conf) {
        topicConf[name] = conf[name];
        delete conf[name];
      }
    }
    this.#consumer = new Ctor(conf, topicConf);
    this.#consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
    this.#consumer.on('event.error', (error: { code?: number; message?: string }) => {
      const message = String(error.message);
      const code = typeof error.code === 'number' && error.code !== -1 ? error.code : codeFromText(message);
      this.#lastError = { code, message };
      if (classify(code, 'event').code === 'KAFKA_AUTH_FAILED') this.#authFailed?.({ code, message });
      options.listener.onError(kafkaError(code, message, 'event'));
    });
    this.#consumer.on('event.log', (log: { severity?: number; fac?: string; message?: string }) => {
      options.logger[logLevelOf(log.severity ?? 6)](String(log.message), {
        facility: log.fac,
        source: 'librdkafka',
      });
    });
    this.#consumer.on('event.stats', (stats: { message?: string }) =>
      options.onStats?.(String(stats.message)),
    );
  }

  /** librdkafka's rebalance: record the event for the next poll, then (un)assign as asked. */
  #onRebalance(code: number, assignment: TopicPartition[]): void {
    const assign = code === -175;
    if (!assign && code !== -174) {
      this.#options.listener.onError(kafkaError(code, 'rebalance failed', 'event'));
      return;
    }
    const parts = assignment.map((p) => ({ topic: p.topic, partition: p.partition }));
    if (!assign) {
      // librdkafka keeps a partition paused across unassign/assign; a new owner expects it flowing.
      const paused = parts.filter((p) => this.#control.isPaused(p.topic, p.partition));
      if (paused.length > 0) this.#consumer.resume(paused);
    }
    for (const p of parts) {
      this.#control.reset(p.topic, p.partition);
      if (assign) this.#owned.set(key(p.topic, p.partition), p);
      else this.#owned.delete(key(p.topic, p.partition));
    }
    this.#generation += 1;
    this.#pending.push({
      kind: assign ? 'assign' : 'revoke',
      partitions: parts,
      generation: this.#generation,
    });
    const cooperative = this.#consumer.rebalanceProtocol() === 'COOPERATIVE';
    if (assign) {
      if (cooperative) this.#consumer.incrementalAssign(parts);
      else this.#consumer.assign(parts);
    } else if (cooperative) this.#consumer.incrementalUnassign(parts);
    else this.#consumer.unassign();
  }

  async connect(): Promise<void> {
    const timeout = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // An auth failure ends the wait at once; otherwise the binding retries until its timeout.
    const authFailure = new Promise<never>((_, reject) => {
      this.#authFailed = (e) => reject(kafkaError(e.code, e.message, 'connect'));
    });
    try {
      await Promise.race([
        authFailure,
        new Promise((resolve, reject) =>
          this.#consumer.connect({ timeout }, (err, data) => (err ? reject(err) : resolve(data))),
        ),
      ]);
    } catch (error) {
      if (error instanceof BridgeError) throw error;
      // "all broker connections are down" hides the cause: librdkafka's own last error says which.
      const last = this.#lastError;
      if (last) throw kafkaError(last.code, last.message, 'connect');
      throw fromBindingError(error, 'connect');
    } finally {
      this.#authFailed = undefined;
      authFailure.catch(() => undefined);
    }
  }

  subscribe(topics: string[]): void {
    this.#sync('subscribe', () => this.#consumer.subscribe(topics));
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<RawBatch[]> {
    const start = this.#control.current();
    this.#consumer.setDefaultConsumeTimeout(timeoutMs);
    const pending = new Promise<BindingMessage[]>((resolve, reject) =>
      this.#consumer.consume(Math.max(1, maxRecords), (err, messages) =>
        err ? reject(err) : resolve(messages),
      ),
    );
    this.#inflight = pending.catch(() => undefined);
    let messages: BindingMessage[];
    try {
      messages = await pending;
    } catch (error) {
      throw fromBindingError(error, 'poll');
    } finally {
      this.#inflight = undefined;
    }
    const events = this.#pending;
    this.#pending = [];
    for (const e of events) this.#options.listener.onRebalance(e);
    return this.#pack(messages, start);
  }

  async #pack(messages: BindingMessage[], start: number): Promise<RawBatch[]> {
    const groups = new Map<string, BindingMessage[]>();
    for (const m of messages) {
      const k = key(m.topic, m.partition);
      if (!this.#owned.has(k)) continue; // revoked while the consume ran: the new owner re-reads it
      const group = groups.get(k);
      if (!group) groups.set(k, [m]);
      else if (m.offset <= (group.at(-1) as BindingMessage).offset)
        groups.set(k, [m]); // re-assigned: keep the rewind
      else group.push(m);
    }
    const batches: RawBatch[] = [];
    for (const group of groups.values()) {
      const first = group[0] as BindingMessage;
      const last = group.at(-1) as BindingMessage;
      const verdict = this.#control.judge(first.topic, first.partition, first.offset, start);
      if (!verdict.deliver) {
        if (verdict.seekTo !== undefined) this.#seekNow(first.topic, first.partition, verdict.seekTo);
        continue;
      }
      const tsType = await this.#timestampType(first.topic);
      // The binding does not say which timestamp a message carries; the topic's config does.
      for (const m of group) m.timestampType = m.timestamp !== undefined && m.timestamp >= 0 ? tsType : 0;
      const data = pack(group);
      batches.push({
        topic: first.topic,
        partition: first.partition,
        generation: this.#generation,
        data,
        count: group.length,
        firstOffset: first.offset,
        lastOffset: last.offset,
      });
    }
    return batches;
  }

  #timestampType(topic: string): Promise<TimestampType> {
    let known = this.#tsTypes.get(topic);
    if (!known) {
      const lookup = this.#options.timestampTypeOf;
      known = lookup ? lookup(topic).catch(() => 1 as const) : Promise.resolve(1 as const);
      this.#tsTypes.set(topic, known);
    }
    return known;
  }

  /** Timeout 0: librdkafka seeks asynchronously but discards older fetched records at once. */
  #seekNow(topic: string, partition: number, offset: number): void {
    this.#consumer.seek({ topic, partition, offset }, 0, (err) => {
      if (err) this.#options.listener.onError(fromBindingError(err, 'seek', { topic, partition, offset }));
    });
  }

  pause(partitions: TopicPartition[]): void {
    for (const p of partitions) this.#control.pause(p.topic, p.partition);
    this.#sync('pause', () =>
      this.#consumer.pause(partitions.map((p) => ({ topic: p.topic, partition: p.partition }))),
    );
  }

  resume(partitions: TopicPartition[]): void {
    const seeks = partitions.map((p) => ({ ...p, next: this.#control.resume(p.topic, p.partition) }));
    this.#sync('pause', () =>
      this.#consumer.resume(partitions.map((p) => ({ topic: p.topic, partition: p.partition }))),
    );
    for (const s of seeks) if (s.next !== undefined) this.#seekNow(s.topic, s.partition, s.next);
  }

  async seek(target: TopicPartitionOffset): Promise<void> {
    const { topic, partition, offset } = target;
    if (!this.#owned.has(key(topic, partition))) {
      throw kafkaError(RD.STATE, `${topic}[${partition}] is not assigned to this consumer`, 'seek');
    }
    if (this.#control.seek(topic, partition, offset)) this.#seekNow(topic, partition, offset);
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) {
      if (!this.#owned.has(key(o.topic, o.partition))) {
        throw kafkaError(RD.STATE, `${o.topic}[${o.partition}] is not assigned to this consumer`, 'commit');
      }
    }
    if (offsets.length === 0) return;
    const list = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }));
    await this.#callback<void>('commit', (cb) => this.#consumer.commitCb(list, (err) => cb(err, undefined)));
  }

  async committed(partitions: TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]> {
    const list = partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
    const got = await this.#callback<TopicPartitionOffset[]>('committed', (cb) =>
      this.#consumer.committed(list, timeoutMs, cb),
    );
    // librdkafka reports "nothing committed" as OFFSET_INVALID (-1001); the interface says -1.
    return got.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: p.offset >= 0 ? p.offset : -1,
    }));
  }

  async watermarks(target: TopicPartition, timeoutMs: number): Promise<{ low: number; high: number }> {
    const got = await this.#callback<WatermarkAnswer>('watermarks', (cb) =>
      this.#consumer.queryWatermarkOffsets(target.topic, target.partition, timeoutMs, cb),
    );
    return { low: got.lowOffset, high: got.highOffset };
  }

  assignment(): TopicPartition[] {
    return [...this.#owned.values()].sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
    );
  }

  /** Stop consuming → unsubscribe → disconnect once (reliability.md F15). Idempotent. */
  disconnect(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#inflight;
      if (!this.#consumer.isConnected()) return;
      try {
        this.#consumer.unsubscribe();
      } catch {
        // not subscribed: nothing to leave
      }
      await new Promise<void>((resolve) => this.#consumer.disconnect(() => resolve()));
    })();
    return this.#closing;
  }

  #sync(op: KafkaOp, run: () => void): void {
    try {
      run();
    } catch (error) {
      throw fromBindingError(error, op);
    }
  }

  async #callback<T>(op: KafkaOp, start: (cb: Cb<T>) => void): Promise<T> {
    try {
      return await new Promise<T>((resolve, reject) =>
        start((err, value) => (err ? reject(err) : resolve(value))),
      );
    } catch (error) {
      throw fromBindingError(error, op);
    }
  }
}
