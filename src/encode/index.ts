/**
 * The encoder's entry point. `createEncoder()` picks the fastest encoder this process can run:
 *   WASM with SIMD128 → WASM scalar (engine without SIMD) → the tuned JS writer (no usable WASM),
 * and logs one line saying which and why. All three produce the same bytes (see types.ts for the API).
 */
import type { Logger } from '../log.ts';
import { JsWriterEncoder } from './js-writer.ts';
import type { BatchEncoder, EncoderKind } from './types.ts';
import { WasmEncoder, type WasmEncoderOptions } from './wasm.ts';

export { DEFAULT_MAX_PAYLOAD_BYTES, type EncodeOptions } from './envelope.ts';
export { TIMESTAMP_TYPE, type TimestampType } from './layout.ts';
export { type MessageLike, pack, packInto } from './pack.ts';
export { concatPacked, packedOffsets, packedOps, slicePacked } from './packed.ts';
export * from './reader.ts';
export { referenceEncoder } from './reference.ts';
export type { BatchEncoder, EncodeResult, EncoderKind, OversizedRecord, Payload } from './types.ts';

export interface CreateEncoderOptions extends Pick<WasmEncoderOptions, 'initialBytes'> {
  /** Skip the faster choices (tests, benchmarks, or to rule WASM out while debugging). */
  prefer?: Exclude<EncoderKind, 'reference'>;
  logger?: Pick<Logger, 'info'>;
  /** How a WASM encoder is made; tests replace it to simulate an engine without SIMD or WASM. */
  loadWasm?: (variant: 'simd' | 'scalar') => BatchEncoder;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createEncoder(options: CreateEncoderOptions = {}): BatchEncoder {
  const prefer = options.prefer ?? 'wasm-simd';
  const log = (encoder: BatchEncoder, why: string): BatchEncoder => {
    options.logger?.info(`event encoder: ${encoder.kind} (${why})`, { encoder: encoder.kind });
    return encoder;
  };
  const initial = options.initialBytes === undefined ? {} : { initialBytes: options.initialBytes };
  const loadWasm = options.loadWasm ?? ((variant) => new WasmEncoder({ variant, ...initial }));
  let simdFailure = '';
  if (prefer === 'wasm-simd') {
    try {
      return log(loadWasm('simd'), 'WebAssembly SIMD128 and relaxed SIMD available');
    } catch (error) {
      simdFailure = reason(error);
    }
  }
  if (prefer !== 'js') {
    try {
      const why = prefer === 'wasm-simd' ? `SIMD build unusable: ${simdFailure}` : 'scalar build requested';
      return log(loadWasm('scalar'), why);
    } catch (error) {
      return log(new JsWriterEncoder(), `WebAssembly unusable: ${reason(error)}`);
    }
  }
  return log(new JsWriterEncoder(), 'JS writer requested');
}
