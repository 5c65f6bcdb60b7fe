/** Shared fixtures for the encoder tests: every encoder under test, options, and result helpers. */
import type { EncodeOptions } from '../../../src/encode/envelope.ts';
import { JsWriterEncoder } from '../../../src/encode/js-writer.ts';
import type { BatchEncoder, EncodeResult } from '../../../src/encode/types.ts';
import { WasmEncoder } from '../../../src/encode/wasm.ts';

export const MSK: EncodeOptions = {
  eventSource: 'aws:kafka',
  eventSourceArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/orders/6c1f0a3e-2',
  bootstrapServers: 'b-1.example:9098,b-2.example:9098',
};

export const SELF_MANAGED: EncodeOptions = {
  eventSource: 'SelfManagedKafka',
  bootstrapServers: 'kafka-1.internal:9092',
};

/**
 * The encoders under test, created once (compiling WASM per test would be slow). Small initial memory
 * so the tests also exercise growing it. The debug build checks its assertions (fragment lengths).
 * Two variants force the native-base64 holes on (for fields up to 40 bytes, so random batches hit them
 * constantly) and off, so both paths of every build are covered.
 */
const named: { name: string; encoder: BatchEncoder }[] = [
  { name: 'wasm-simd', encoder: new WasmEncoder({ variant: 'simd', initialBytes: 1 << 16 }) },
  { name: 'wasm-scalar', encoder: new WasmEncoder({ variant: 'scalar', initialBytes: 1 << 16 }) },
  { name: 'wasm-simd (debug build)', encoder: new WasmEncoder({ variant: 'debug', initialBytes: 1 << 16 }) },
  {
    name: 'wasm-simd (native base64 for 0-40 B)',
    encoder: new WasmEncoder({ variant: 'simd', initialBytes: 1 << 16, nativeBase64: { min: 0, max: 40 } }),
  },
  {
    name: 'wasm-scalar (no native base64)',
    encoder: new WasmEncoder({ variant: 'scalar', nativeBase64: false }),
  },
  { name: 'js', encoder: new JsWriterEncoder() },
];

export const encoders: readonly BatchEncoder[] = named.map((n) => n.encoder);

/** A stable name per encoder for test titles. */
export function label(_encoder: BatchEncoder, index: number): string {
  return named[index]?.name ?? String(index);
}

/** Copies payload bytes out of encoder memory (views are only valid until the next call). */
export function owned(result: EncodeResult): EncodeResult {
  return {
    payloads: result.payloads.map((p) => ({ ...p, bytes: Uint8Array.from(p.bytes) })),
    oversized: result.oversized.map((o) => ({ ...o })),
  };
}

export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

export function texts(result: EncodeResult): string[] {
  return result.payloads.map((p) => text(p.bytes));
}

export const b = (s: string) => Buffer.from(s, 'utf8');
