/**
 * On-failure destinations (lambda-esm.md §3.6), best effort after the store has the batch:
 *
 * - `kafka://<topic>`: on the mapping's own cluster, one message per failed record, keyed with the
 *   record's original key (no key: librdkafka spreads them), value = kafkaFailureRecord (records.ts).
 *   One producer per cluster connection, created on first use, `acks=all`; `send` resolves only when
 *   every message is acknowledged.
 * - `http://…` / `https://…`: one POST of the metadata record (recordsInfo) per batch; 2xx = delivered.
 *   Only to hosts in destinationHosts (src/mapping/destination-hosts.ts), without following redirects.
 * - anything else (SQS, SNS, S3 ARNs): not reachable from here; logged once per destination, the batch
 *   stays in the store for replay ('unreachable').
 *
 * `send` throws when delivery fails (the handler logs, counts and marks the batch).
 */
import { randomUUID } from 'node:crypto';
import type Kafka from '@confluentinc/kafka-javascript';
import type { EncodeOptions } from '../encode/envelope.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../encode/envelope.ts';
import { slicePacked } from '../encode/packed.ts';
import type { BatchEncoder } from '../encode/types.ts';
import { BridgeError } from '../errors.ts';
import type { KafkaConnection } from '../kafka/client-config.ts';
import { clientConfig } from '../kafka/client-config.ts';
import { kafkaLibrary } from '../kafka/client-library.ts';
import type { Logger } from '../log.ts';
import { destinationHostAllowed } from '../mapping/destination-hosts.ts';
import type { Mapping } from '../mapping/types.ts';
import { type FailureContext, kafkaFailureRecord, metadataFailureRecord } from './records.ts';
import type { DestinationState, ResponseContext } from './types.ts';

export type Destination =
  | { readonly kind: 'kafka'; readonly topic: string }
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'unreachable' };

export function parseDestination(destination: string): Destination {
  if (destination.startsWith('kafka://')) return { kind: 'kafka', topic: destination.slice(8) };
  if (/^https?:\/\//i.test(destination)) return { kind: 'http', url: destination };
  return { kind: 'unreachable' };
}

export interface OutgoingMessage {
  readonly key: Buffer | null;
  readonly value: Buffer;
}

/** The part of a Kafka producer the destination uses. */
export interface DestinationProducer {
  /** Resolves when every message is acknowledged by the cluster. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface DestinationInput {
  readonly mapping: Mapping;
  readonly packed: Uint8Array;
  readonly condition: string;
  readonly approximateInvokeCount: number;
  readonly responseContext: ResponseContext | null;
}

export interface DestinationDeps {
  /** The mapping's cluster connection (src/kafka/connection.ts `connectionFor`). */
  readonly connectionOf: (mapping: Mapping) => KafkaConnection;
  readonly encoder: BatchEncoder;
  readonly logger: Logger;
  readonly newRequestId?: () => string;
  readonly clock?: () => number;
  readonly fetch?: typeof fetch;
  /** Per POST; default 10 s. */
  readonly httpTimeoutMs?: number;
  /**
   * Hosts http(s) destinations may name (config destinationHosts), checked again at each send: a
   * mapping stored before the list changed cannot reach a host no longer listed.
   */
  readonly destinationHosts?: readonly string[];
  /** How producers are made (librdkafka properties in); default: @confluentinc/kafka-javascript. */
  readonly createProducer?: (config: Record<string, string | number>) => DestinationProducer;
}

/** acks=all, Java-compatible key hashing (murmur2; keyless messages spread), bounded delivery. */
export const PRODUCER_DEFAULTS: Record<string, string | number> = {
  acks: -1,
  partitioner: 'murmur2_random',
  'message.timeout.ms': 30_000,
};

export function confluentProducer(config: Record<string, string | number>): DestinationProducer {
  const { KafkaJS } = kafkaLibrary();
  const producer = new KafkaJS.Kafka({}).producer({
    ...config,
    kafkaJS: { logLevel: KafkaJS.logLevel.NOTHING },
  } as Kafka.KafkaJS.ProducerConstructorConfig);
  let connected: Promise<void> | undefined;
  return {
    async send(topic, messages) {
      connected ??= producer.connect().catch((error: unknown) => {
        connected = undefined; // the next send tries again
        throw error;
      });
      await connected;
      await producer.send({ topic, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
    },
    async close() {
      if (connected === undefined) return;
      await connected.catch(() => undefined);
      await producer.disconnect();
    },
  };
}

interface ParsedEvent {
  eventSource: string;
  eventSourceArn?: string;
  bootstrapServers: string;
  records: Record<string, Array<{ offset: number; timestamp: number; key?: string }>>;
}

export class FailureDestinations {
  readonly #deps: DestinationDeps;
  readonly #producers = new Map<string, DestinationProducer>();
  readonly #warned = new Set<string>();
  readonly #newId: () => string;
  readonly #clock: () => number;

  constructor(deps: DestinationDeps) {
    this.#deps = deps;
    this.#newId = deps.newRequestId ?? randomUUID;
    this.#clock = deps.clock ?? Date.now;
  }

  /**
   * Delivers a failed batch to the mapping's on-failure destination.
   * @returns 'none' without a destination, 'unreachable' for a kind this bridge cannot reach,
   *          'delivered' once the destination acknowledged everything.
   * @throws on a failed delivery (Kafka or HTTP error, timeout).
   */
  async send(input: DestinationInput): Promise<DestinationState> {
    const raw = input.mapping.onFailureDestination;
    if (raw === undefined || raw === '') return 'none';
    const destination = parseDestination(raw);
    if (destination.kind === 'unreachable') {
      if (!this.#warned.has(raw)) {
        this.#warned.add(raw);
        this.#deps.logger.warn(
          'on-failure destination not reachable from the bridge; failed batches stay in the store',
          {
            mapping: input.mapping.uuid,
            destination: raw,
          },
        );
      }
      return 'unreachable';
    }
    if (destination.kind === 'kafka') await this.#sendKafka(input, destination.topic);
    else await this.#sendHttp(input, destination.url);
    return 'delivered';
  }

  async close(): Promise<void> {
    const producers = [...this.#producers.values()];
    this.#producers.clear();
    await Promise.allSettled(producers.map((p) => p.close()));
  }

  #context(input: DestinationInput): FailureContext {
    const m = input.mapping;
    return {
      requestId: this.#newId(),
      functionArn: m.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
      responseContext: input.responseContext,
      nowMs: this.#clock(),
      ...(m.eventSourceArn === undefined ? {} : { eventSourceArn: m.eventSourceArn }),
      bootstrapServers: m.bootstrapServers.join(','),
    };
  }

  #encodeOptions(mapping: Mapping, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES): EncodeOptions {
    return {
      eventSource: mapping.eventSource,
      ...(mapping.eventSourceArn === undefined ? {} : { eventSourceArn: mapping.eventSourceArn }),
      bootstrapServers: mapping.bootstrapServers.join(','),
      maxPayloadBytes,
    };
  }

  /** The invoke events of a batch, parsed; a record too large for one payload gets its own event. */
  #events(input: DestinationInput): ParsedEvent[] {
    const { encoder } = this.#deps;
    const out = encoder.encode(input.packed, this.#encodeOptions(input.mapping));
    const events = out.payloads.map((p) => parseEvent(p.bytes));
    for (const o of out.oversized) {
      const single = slicePacked(input.packed, o.index, o.index + 1);
      const big = encoder.encode(single, this.#encodeOptions(input.mapping, o.bytes + 64));
      for (const p of big.payloads) events.push(parseEvent(p.bytes));
    }
    return events;
  }

  async #sendKafka(input: DestinationInput, topic: string): Promise<void> {
    const messages: OutgoingMessage[] = [];
    const context = this.#context(input);
    for (const event of this.#events(input)) {
      for (const [tp, records] of Object.entries(event.records)) {
        for (const record of records) {
          const single = { ...event, records: { [tp]: [record] } };
          const size = Buffer.byteLength(JSON.stringify(single));
          const value = kafkaFailureRecord(
            context,
            { offset: record.offset, timestampMs: record.timestamp },
            single,
            size,
          );
          messages.push({
            key: record.key === undefined ? null : Buffer.from(record.key, 'base64'),
            value: Buffer.from(JSON.stringify(value)),
          });
        }
      }
    }
    await this.#producer(input.mapping).send(topic, messages);
  }

  async #sendHttp(input: DestinationInput, url: string): Promise<void> {
    const size = this.#events(input).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
    const record = metadataFailureRecord(this.#context(input), input.packed, size);
    if (!destinationHostAllowed(new URL(url), this.#deps.destinationHosts)) {
      throw new BridgeError(
        'INVALID_PARAMETER',
        'on-failure destination host is not in destinationHosts; the batch stays stored for replay',
      );
    }
    const doFetch = this.#deps.fetch ?? fetch;
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record),
      signal: AbortSignal.timeout(this.#deps.httpTimeoutMs ?? 10_000),
      // A redirect could lead anywhere, past the host check: a 3xx answer is a failed delivery.
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) {
      throw new BridgeError('INVOKE_FAILED', `on-failure destination answered HTTP ${response.status}`, {
        retriable: true,
      });
    }
  }

  #producer(mapping: Mapping): DestinationProducer {
    const config = { ...clientConfig(this.#deps.connectionOf(mapping)), ...PRODUCER_DEFAULTS };
    const key = JSON.stringify(config);
    let producer = this.#producers.get(key);
    if (producer === undefined) {
      producer = (this.#deps.createProducer ?? confluentProducer)(config);
      this.#producers.set(key, producer);
    }
    return producer;
  }
}

function parseEvent(bytes: Uint8Array): ParsedEvent {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
}
