// Decimal integers, byte-identical to JSON.stringify for integers (no exponent below 1e21).
// Offsets and timestamps are i64 in the layout; they are printed exactly, even above 2^53.
import { DIGIT_PAIRS } from './tables';

function digits32(v: u32): usize {
  if (v < 100000) {
    if (v < 100) return v < 10 ? 1 : 2;
    return v < 1000 ? 3 : v < 10000 ? 4 : 5;
  }
  if (v < 10000000) return v < 1000000 ? 6 : 7;
  return v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
}

function digits64(v: u64): usize {
  if (v <= <u64>u32.MAX_VALUE) return digits32(<u32>v);
  // 2^32 > 10^9, so at least 10 digits; count the remaining powers.
  let n: usize = 10;
  let p: u64 = 10000000000;
  while (n < 20 && v >= p) {
    n++;
    p *= 10;
  }
  return n;
}

/** Characters needed to print v. */
export function decimalLength(v: i64): usize {
  return v < 0 ? 1 + digits64(<u64>0 - <u64>v) : digits64(<u64>v);
}

function pair(dst: usize, d: u32): void {
  store<u16>(dst, load<u16>(DIGIT_PAIRS + ((<usize>d) << 1)));
}

function writeU32(dst: usize, value: u32): usize {
  let v = value;
  const end = dst + digits32(v);
  let p = end;
  while (v >= 100) {
    const q = v / 100;
    p -= 2;
    pair(p, v - q * 100);
    v = q;
  }
  if (v >= 10) pair(p - 2, v);
  else store<u8>(p - 1, <u8>(48 + v));
  return end;
}

// Exactly eight digits, zero-padded: the low part of a number split at 10^8.
function write8(dst: usize, value: u32): usize {
  const hi = value / 10000;
  const lo = value - hi * 10000;
  const a = hi / 100;
  const b = lo / 100;
  pair(dst, a);
  pair(dst + 2, hi - a * 100);
  pair(dst + 4, b);
  pair(dst + 6, lo - b * 100);
  return dst + 8;
}

function writeU64(dst: usize, v: u64): usize {
  if (v <= <u64>u32.MAX_VALUE) return writeU32(dst, <u32>v);
  // Split so that both halves use 32-bit division (one 64-bit division instead of one per digit pair).
  const q = v / 100000000;
  const end = writeU64(dst, q);
  return write8(end, <u32>(v - q * 100000000));
}

/** Writes v in decimal at dst and returns the end. */
export function writeDecimal(dst: usize, v: i64): usize {
  if (v >= 0) return writeU64(dst, <u64>v);
  store<u8>(dst, 45); // '-'
  return writeU64(dst + 1, <u64>0 - <u64>v);
}
