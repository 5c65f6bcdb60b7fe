// Header values as JSON arrays of Java signed bytes: 0xC3 0xAB → -61,-85 (Lambda's format).
import { SIGNED_BYTE } from './tables';

// 16 bytes of 0xFF then 16 of 0x00: a load at (16 - r) keeps the first r lanes of a vector.
const TAIL_MASK: usize = memory.data(32, 16);
for (let i: usize = 0; i < 16; i++) store<u8>(TAIL_MASK + i, 0xff);

/** Characters of the array's contents (no brackets) for n > 0 bytes at src: digits, signs, commas. */
export function signedBytesLength(src: usize, n: usize): u64 {
  if (ASC_FEATURE_SIMD) {
    // Per byte s: 2 characters (a digit and a comma) + 1 if s < 0 + 1 if |s| ≥ 10 + 1 if |s| ≥ 100.
    // Compares give -1 per true lane; the lanes are summed into i32 so long values cannot overflow.
    const zero = i32x4.splat(0);
    const nine = i8x16.splat(9);
    const ninetyNine = i8x16.splat(99);
    let extra = zero;
    for (let i: usize = 0; i < n; i += 16) {
      const v = v128.load(src + i);
      const a = i8x16.abs(v); // -128 stays 0x80, which is ≥ 100 as unsigned: right
      let m = i8x16.add(i8x16.add(i8x16.lt_s(v, zero), i8x16.gt_u(a, nine)), i8x16.gt_u(a, ninetyNine));
      if (n - i < 16) m = v128.and(m, v128.load(TAIL_MASK + 16 - (n - i)));
      extra = i32x4.add(extra, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(m)));
    }
    const sum =
      i32x4.extract_lane(extra, 0) +
      i32x4.extract_lane(extra, 1) +
      i32x4.extract_lane(extra, 2) +
      i32x4.extract_lane(extra, 3);
    return ((<u64>n) << 1) - <u64>(<i64>sum) - 1;
  }
  let chars: u64 = 0;
  for (let b: usize = 0; b < n; b++)
    chars += load<u64>(SIGNED_BYTE + ((<usize>load<u8>(src + b)) << 3)) >> 56;
  return chars - 1; // no comma after the last byte
}

/**
 * Writes the array's contents for n > 0 bytes at src; returns the end. Each byte is one u64 table
 * entry (characters, and their count in the top byte). Four bytes per round: their table loads do not
 * depend on each other, so store addresses form a short add chain instead of waiting on every load.
 */
export function writeSignedBytes(dst: usize, src: usize, n: usize): usize {
  let d = dst;
  let p = src;
  const end = src + n;
  while (end - p >= 4) {
    const e0 = load<u64>(SIGNED_BYTE + ((<usize>load<u8>(p)) << 3));
    const e1 = load<u64>(SIGNED_BYTE + ((<usize>load<u8>(p, 1)) << 3));
    const e2 = load<u64>(SIGNED_BYTE + ((<usize>load<u8>(p, 2)) << 3));
    const e3 = load<u64>(SIGNED_BYTE + ((<usize>load<u8>(p, 3)) << 3));
    const d1 = d + <usize>(e0 >> 56);
    const d2 = d1 + <usize>(e1 >> 56);
    const d3 = d2 + <usize>(e2 >> 56);
    store<u64>(d, e0);
    store<u64>(d1, e1);
    store<u64>(d2, e2);
    store<u64>(d3, e3);
    d = d3 + <usize>(e3 >> 56);
    p += 4;
  }
  while (p < end) {
    const e = load<u64>(SIGNED_BYTE + ((<usize>load<u8>(p)) << 3));
    store<u64>(d, e);
    d += <usize>(e >> 56);
    p++;
  }
  return d - 1; // no comma after the last byte
}
