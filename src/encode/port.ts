/**
 * What the runtime needs from an event encoder (the WASM encoder, or a JS fallback): one packed batch
 * in (docs/raw-batch-layout.md), the Lambda event payloads out, split so none exceeds the cap.
 */
export interface EncodeOptions {
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  eventSourceArn?: string;
  /** Comma-separated host:port list, as Lambda sends it. */
  bootstrapServers: string;
  maxPayloadBytes: number;
}

export interface EncodedPayload {
  /** May be a view into encoder memory, valid until the next encode call: copy to keep. */
  bytes: Uint8Array;
  firstRecord: number;
  recordCount: number;
}

export interface OversizedRecord {
  index: number;
  offset: number;
  partition: number;
}

export interface EncodeOutput {
  payloads: EncodedPayload[];
  oversized: OversizedRecord[];
}

export interface PayloadEncoder {
  encode(packed: Uint8Array, options: EncodeOptions): EncodeOutput;
}
