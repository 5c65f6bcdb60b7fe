// Base64 (RFC 4648 alphabet, with '=' padding), linear memory to linear memory.
//
// SIMD build: the Muła/Lemire SSE scheme on v128, 12 input bytes → 16 characters per step
// (http://0x80.pl/notesen/2016-01-12-sse-base64-encoding.html). WASM has no 16-bit multiply-high,
// so the step that uses pmulhuw on x86 becomes two shifts and a bitselect.
// Scalar build and tails: a 4,096-entry table of character pairs, 3 bytes → 2 loads → one u32 store.
import { B64_CHARS, B64_PAIRS } from './tables';

/** Characters produced for n input bytes. */
// @ts-ignore: decorator
@inline
export function base64Length(n: u64): u64 {
  return ((n + 2) / 3) << 2;
}

// @ts-ignore: decorator
@inline
function pair(i: u32): u32 {
  return <u32>load<u16>(B64_PAIRS + (<usize>i << 1));
}

// @ts-ignore: decorator
@inline
function simdStep(dst: usize, src: usize): void {
  // Per 32-bit lane, bytes [b1, b0, b2, b1] of the 3-byte group: the lane's low u16 is b0b1, high u16 b1b2.
  const v = i8x16.shuffle(v128.load(src), v128.load(src), 1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  // First and third index: bits 10-15 of the low u16 and bits 6-11 of the high u16, moved to bit 0.
  const t0 = v128.and(v, i32x4.splat(0x0fc0fc00));
  const t1 = v128.bitselect(i16x8.shr_u(t0, 10), i16x8.shr_u(t0, 6), i32x4.splat(0x0000ffff));
  // Second and fourth index: bits 4-9 of the low u16 (<< 4) and bits 0-5 of the high u16 (<< 8).
  const t2 = v128.and(v, i32x4.splat(0x003f03f0));
  const t3 = i16x8.mul(t2, i32x4.splat(0x01000010));
  const indices = v128.or(t1, t3);
  // Map 0-25 → 13 ('A' offset), 26-51 → 0 ('a' - 26), 52-61 → 1..10 ('0' - 52), 62 → 11, 63 → 12,
  // then add the offset found at that slot of the table.
  let slot = i8x16.sub_sat_u(indices, i8x16.splat(51));
  const upper = i8x16.gt_s(i8x16.splat(26), indices);
  slot = v128.or(slot, v128.and(upper, i8x16.splat(13)));
  const offsets = i8x16(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
  v128.store(dst, i8x16.add(indices, i8x16.swizzle(offsets, slot)));
}

/** Writes base64 of [src, src + n) at dst and returns the end of the output. */
export function base64(dst: usize, src: usize, n: usize): usize {
  let s = src;
  let d = dst;
  let left = n;
  if (ASC_FEATURE_SIMD) {
    // Every step loads 16 bytes and uses 12: keep 4 bytes of margin so loads stay inside the input.
    while (left >= 52) {
      simdStep(d, s);
      simdStep(d + 16, s + 12);
      simdStep(d + 32, s + 24);
      simdStep(d + 48, s + 36);
      s += 48;
      d += 64;
      left -= 48;
    }
    while (left >= 16) {
      simdStep(d, s);
      s += 12;
      d += 16;
      left -= 12;
    }
  } else {
    // Two groups of 3 from one 8-byte load (reads 2 bytes it does not use, hence the margin).
    while (left >= 8) {
      const x = bswap<u64>(load<u64>(s));
      const a = <u32>(x >> 40);
      const b = <u32>(x >> 16) & 0xffffff;
      store<u64>(d, <u64>(pair(a >> 12) | (pair(a & 0xfff) << 16)) | (<u64>(pair(b >> 12) | (pair(b & 0xfff) << 16)) << 32));
      s += 6;
      d += 8;
      left -= 6;
    }
  }
  while (left >= 3) {
    const v = (<u32>load<u8>(s) << 16) | (<u32>load<u8>(s, 1) << 8) | <u32>load<u8>(s, 2);
    store<u32>(d, pair(v >> 12) | (pair(v & 0xfff) << 16));
    s += 3;
    d += 4;
    left -= 3;
  }
  if (left > 0) {
    const v = (<u32>load<u8>(s) << 16) | (left > 1 ? <u32>load<u8>(s, 1) << 8 : 0);
    store<u8>(d, load<u8>(B64_CHARS + <usize>(v >> 18)));
    store<u8>(d, load<u8>(B64_CHARS + <usize>((v >> 12) & 63)), 1);
    store<u8>(d, left > 1 ? load<u8>(B64_CHARS + <usize>((v >> 6) & 63)) : 61, 2); // '='
    store<u8>(d, 61, 3);
    d += 4;
  }
  return d;
}
