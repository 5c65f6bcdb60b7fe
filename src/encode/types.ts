/**
 * The encoder API (all encoders implement it; src/encode/port.ts is the narrower view the runtime uses).
 *
 *   encode(packed, options)          one packed batch (docs/raw-batch-layout.md) → payloads
 *   encodeMessages(messages, options) message objects → pack → the same payloads
 *
 * Output: payloads in batch order, each a contiguous run of records `[firstRecord, firstRecord +
 * recordCount)` serialized as one Lambda Kafka event of at most `maxPayloadBytes` bytes. Runs are
 * cut greedily (a payload takes records while it still fits). A record that does not fit even alone
 * is in no payload: it is listed in `oversized` (it also ends the run before it), so the caller can
 * hand it to failure handling; records of payloads and oversized records together are the whole batch.
 * An empty batch gives no payloads.
 *
 * Lifetime: `bytes` of the WASM and JS-writer encoders is a view into the encoder's reused memory,
 * valid until the next call on the same encoder. Copy it (`bytes.slice()`) to keep it longer.
 * Errors: bad input or options throw EncodeError('ENCODE_FAILED') with `context.status` (status.ts).
 */
import type { EncodeOptions } from './envelope.ts';
import type { MessageLike } from './pack.ts';

export interface Payload {
  bytes: Uint8Array;
  firstRecord: number;
  recordCount: number;
}

export interface OversizedRecord {
  /** Index of the record in the batch. */
  index: number;
  offset: number;
  partition: number;
  topic: string;
  /** Size of the smallest payload that could carry it (more than maxPayloadBytes). */
  bytes: number;
}

export interface EncodeResult {
  payloads: Payload[];
  oversized: OversizedRecord[];
}

export type EncoderKind = 'wasm-simd' | 'wasm-scalar' | 'js' | 'reference';

export interface BatchEncoder {
  readonly kind: EncoderKind;
  encode(packed: Uint8Array, options: EncodeOptions): EncodeResult;
  encodeMessages(messages: readonly MessageLike[], options: EncodeOptions): EncodeResult;
}
