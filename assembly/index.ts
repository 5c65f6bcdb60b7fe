// The module's ABI and nothing else. The host (src/encode/wasm.ts) owns all linear memory from
// heapBase() up: it places the batch, the event opening, a scratch region and the output region,
// makes one encode() call per batch and reads the result area. Nothing here allocates.
import { base64 as base64Impl } from './base64';
import { RESULT } from './layout';
import { plan } from './plan';
import { OK } from './status';
import { writePayloads } from './write';

/**
 * Encodes the packed batch at [inPtr, inPtr + inLen) into Lambda Kafka event payloads.
 * prefix: the event's opening up to and including `"records":{`. maxPayload: byte cap per payload.
 * Keys and values of nativeMin..nativeMax bytes are left as base64 holes for the host (write.ts).
 * Returns a status (status.ts); on OK the result area (resultPtr()) holds the payload descriptors.
 */
export function encode(
  inPtr: usize,
  inLen: usize,
  prefixPtr: usize,
  prefixLen: usize,
  scratchPtr: usize,
  scratchCap: usize,
  outPtr: usize,
  outCap: usize,
  maxPayload: f64,
  nativeMin: usize,
  nativeMax: usize,
): i32 {
  const status = plan(inPtr, inLen, prefixLen, scratchPtr, scratchCap, outCap, <u64>maxPayload);
  if (status !== OK) return status;
  return writePayloads(inPtr, prefixPtr, prefixLen, outPtr, nativeMin, nativeMax);
}

/** Base64 of [src, src + n) written at dst; returns the end. Exported for tests and the benchmark. */
export function base64(dst: usize, src: usize, n: usize): usize {
  return base64Impl(dst, src, n);
}

/** The result area: u32 words, see layout.ts (R_*). */
export function resultPtr(): usize {
  return RESULT;
}

/** First byte the host may use, 16-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** 1 when this build uses SIMD128. */
export function simd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
