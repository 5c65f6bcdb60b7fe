// Base64 (RFC 4648 alphabet, with '=' padding), linear memory to linear memory.
//
// SIMD build: the Muła/Lemire SSE scheme on v128, 12 input bytes → 16 characters per step
// (http://0x80.pl/notesen/2016-01-12-sse-base64-encoding.html). WASM has no 16-bit multiply-high,
// so the step that uses pmulhuw on x86 becomes two shifts and a bitselect, or with relaxed SIMD one
// rounding multiply-high (pmulhrsw) and a mask. Relaxed swizzle is a bare pshufb: plain swizzle
// costs V8 a constant load and a saturating add per use to zero lanes ≥ 16, which never occur here.
// Both relaxed operations are exact for these inputs (see the step), so the output does not depend
// on the engine. With the three-operation slot (see the step), a step went from 24 x86 instructions
// to 14 (Node 24, V8 13.6): 12 input bytes in about 3.5 cycles, about 12 GB/s on this Zen 4.
// Scalar build and tails: a 4,096-entry table of character pairs, 3 bytes → 2 loads → one u32 store.
import { B64_CHARS, B64_PAIRS } from './tables';

/** Characters produced for n input bytes. */
export function base64Length(n: u64): u64 {
  return ((n + 2) / 3) << 2;
}

function pair(i: u32): u32 {
  return <u32>load<u16>(B64_PAIRS + ((<usize>i) << 1));
}

// The SIMD constants live in memory and are loaded once per call: written as v128 constants, V8
// re-materializes each of them inside every step (about 3 instructions each, 9 constants), which
// tripled the cost of a step. Loaded values stay in registers.
const SIMD_CONSTANTS: usize = memory.data(9 * 16, 16);
if (ASC_FEATURE_SIMD) {
  // Per 32-bit lane, bytes [b1, b0, b2, b1] of the 3-byte group: the lane's low u16 is b0b1, high u16 b1b2.
  v128.store(SIMD_CONSTANTS, i8x16(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
  v128.store(SIMD_CONSTANTS, i32x4.splat(0x0fc0fc00), 16);
  // `shift` of the step: q15mulr multipliers (right shift by 10 in low u16s, by 6 in high u16s), or
  // without relaxed SIMD the bitselect mask that picks the low u16s.
  v128.store(SIMD_CONSTANTS, i32x4.splat(ASC_FEATURE_RELAXED_SIMD ? 0x02000020 : 0x0000ffff), 32);
  v128.store(SIMD_CONSTANTS, i32x4.splat(0x003f03f0), 48);
  v128.store(SIMD_CONSTANTS, i32x4.splat(0x01000010), 64);
  v128.store(SIMD_CONSTANTS, i8x16.splat(51), 80);
  v128.store(SIMD_CONSTANTS, i8x16.splat(25), 96);
  // Offset added to an index to get its character, by slot (see the step).
  v128.store(SIMD_CONSTANTS, i8x16(65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0), 112);
  v128.store(SIMD_CONSTANTS, i32x4.splat(0x003f003f), 128);
}

function simdStep(
  dst: usize,
  src: usize,
  gather: v128,
  mask1: v128,
  shift: v128,
  low6: v128,
  mask2: v128,
  mul2: v128,
  c51: v128,
  c25: v128,
  offsets: v128,
): void {
  const v = ASC_FEATURE_RELAXED_SIMD
    ? i8x16.relaxed_swizzle(v128.load(src), gather)
    : i8x16.swizzle(v128.load(src), gather);
  // First and third index: bits 10-15 of the low u16 and bits 6-11 of the high u16, moved to bit 0.
  const t0 = v128.and(v, mask1);
  // q15mulr(x, m) = (x·m + 2^14) >> 15, signed. High u16: x = i2 << 6 ≥ 0 and m = 2^9 give i2.
  // Low u16: x = i0 << 10 is negative when i0 ≥ 32, and m = 2^5 then gives i0 − 64, whose low 6 bits
  // are still i0: the mask keeps just those. No multiplier is -2^15, so saturation (the one case
  // where engines may differ) cannot happen.
  const t1 = ASC_FEATURE_RELAXED_SIMD
    ? v128.and(i16x8.relaxed_q15mulr_s(t0, shift), low6)
    : v128.bitselect(i16x8.shr_u(t0, 10), i16x8.shr_u(t0, 6), shift);
  // Second and fourth index: bits 4-9 of the low u16 (<< 4) and bits 0-5 of the high u16 (<< 8).
  const t3 = i16x8.mul(v128.and(v, mask2), mul2);
  const indices = v128.or(t1, t3);
  // Slot: 0-25 → 0 ('A'), 26-51 → 1 ('a' - 26), 52-61 → 2..11 ('0' - 52), 62 → 12 ('+'), 63 → 13 ('/'):
  // the saturating subtract gives 0 below 52, then subtracting the compare's -1 adds 1 from 26 up.
  // Three operations where the SSE original (or and-with-13 of a compare from 26 down) takes four.
  const slot = i8x16.sub(i8x16.sub_sat_u(indices, c51), i8x16.gt_s(indices, c25));
  const offset = ASC_FEATURE_RELAXED_SIMD
    ? i8x16.relaxed_swizzle(offsets, slot)
    : i8x16.swizzle(offsets, slot);
  v128.store(dst, i8x16.add(indices, offset));
}

/** Writes base64 of [src, src + n) at dst and returns the end of the output. */
export function base64(dst: usize, src: usize, n: usize): usize {
  let s = src;
  let d = dst;
  let left = n;
  if (ASC_FEATURE_SIMD && n >= 16) {
    const k = SIMD_CONSTANTS;
    const gather = v128.load(k);
    const mask1 = v128.load(k, 16);
    const shift = v128.load(k, 32);
    const low6 = v128.load(k, 128);
    const mask2 = v128.load(k, 48);
    const mul2 = v128.load(k, 64);
    const c51 = v128.load(k, 80);
    const c25 = v128.load(k, 96);
    const offsets = v128.load(k, 112);
    // Every step loads 16 bytes and uses 12: keep 4 bytes of margin so loads stay inside the input.
    while (left >= 52) {
      simdStep(d, s, gather, mask1, shift, low6, mask2, mul2, c51, c25, offsets);
      simdStep(d + 16, s + 12, gather, mask1, shift, low6, mask2, mul2, c51, c25, offsets);
      simdStep(d + 32, s + 24, gather, mask1, shift, low6, mask2, mul2, c51, c25, offsets);
      simdStep(d + 48, s + 36, gather, mask1, shift, low6, mask2, mul2, c51, c25, offsets);
      s += 48;
      d += 64;
      left -= 48;
    }
    while (left >= 16) {
      simdStep(d, s, gather, mask1, shift, low6, mask2, mul2, c51, c25, offsets);
      s += 12;
      d += 16;
      left -= 12;
    }
  } else {
    // Two groups of 3 from one little-endian 8-byte load (it reads 2 bytes it does not use, hence the
    // margin). The 12-bit indices are cut straight from the loaded word: a byte swap would cost more,
    // V8 has no 64-bit bswap instruction for WASM and expands it into shifts and masks.
    while (left >= 8) {
      const x = load<u64>(s);
      const a = <u32>(((x & 0xff) << 4) | ((x >> 12) & 0xf));
      const b = <u32>((x & 0xf00) | ((x >> 16) & 0xff));
      const c = <u32>(((x >> 20) & 0xff0) | ((x >> 36) & 0xf));
      const e = <u32>(((x >> 24) & 0xf00) | ((x >> 40) & 0xff));
      store<u64>(d, <u64>(pair(a) | (pair(b) << 16)) | ((<u64>(pair(c) | (pair(e) << 16))) << 32));
      s += 6;
      d += 8;
      left -= 6;
    }
  }
  while (left >= 3) {
    const v = ((<u32>load<u8>(s)) << 16) | ((<u32>load<u8>(s, 1)) << 8) | <u32>load<u8>(s, 2);
    store<u32>(d, pair(v >> 12) | (pair(v & 0xfff) << 16));
    s += 3;
    d += 4;
    left -= 3;
  }
  if (left > 0) {
    const v = ((<u32>load<u8>(s)) << 16) | (left > 1 ? (<u32>load<u8>(s, 1)) << 8 : 0);
    store<u8>(d, load<u8>(B64_CHARS + <usize>(v >> 18)));
    store<u8>(d, load<u8>(B64_CHARS + <usize>((v >> 12) & 63)), 1);
    store<u8>(d, left > 1 ? load<u8>(B64_CHARS + <usize>((v >> 6) & 63)) : 61, 2); // '='
    store<u8>(d, 61, 3);
    d += 4;
  }
  return d;
}
