// JSON strings from UTF-8 bytes (topic and header names).
//
// Escaping works on bytes: every byte of a multi-byte UTF-8 sequence is ≥ 0x80 and never needs
// escaping, so only ASCII bytes are inspected. The escapes match JSON.stringify (short forms for
// \b \t \n \f \r \" \\, \u00xx in lower case for other control characters; DEL is not escaped).
// Names must be valid UTF-8, or the payload would not be valid JSON text: scanName rejects them.
import { ESC_CHAR, ESC_LEN } from './tables';

/** Returned by scanName for a name that is not valid UTF-8. */
export const NOT_UTF8: usize = usize.MAX_VALUE;

function cont(p: usize): bool {
  return (load<u8>(p) & 0xc0) === 0x80;
}

/** Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
export function isUtf8(src: usize, n: usize): bool {
  const end = src + n;
  let p = src;
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c < 0x80) {
      p++;
    } else if (c < 0xc2) {
      return false;
    } else if (c < 0xe0) {
      if (end - p < 2 || !cont(p + 1)) return false;
      p += 2;
    } else if (c < 0xf0) {
      if (end - p < 3 || !cont(p + 2)) return false;
      const c1 = <u32>load<u8>(p, 1);
      const lo: u32 = c === 0xe0 ? 0xa0 : 0x80;
      const hi: u32 = c === 0xed ? 0x9f : 0xbf;
      if (c1 < lo || c1 > hi) return false;
      p += 3;
    } else if (c < 0xf5) {
      if (end - p < 4 || !cont(p + 2) || !cont(p + 3)) return false;
      const c1 = <u32>load<u8>(p, 1);
      const lo: u32 = c === 0xf0 ? 0x90 : 0x80;
      const hi: u32 = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo || c1 > hi) return false;
      p += 4;
    } else {
      return false;
    }
  }
  return true;
}

function scanSlow(src: usize, n: usize): usize {
  let len: usize = 0;
  let high: u32 = 0;
  for (let i: usize = 0; i < n; i++) {
    const c = load<u8>(src + i);
    high |= c;
    len += <usize>load<u8>(ESC_LEN + <usize>c);
  }
  if (high >= 0x80 && !isUtf8(src, n)) return NOT_UTF8;
  return len;
}

// Lanes (of the first `n`) that are control characters, '"', '\' or non-ASCII, as a bit mask.
function specialMask(v: v128, n: usize): i32 {
  const special = v128.or(
    v128.or(i8x16.lt_u(v, i8x16.splat(0x20)), i8x16.lt_s(v, i8x16.splat(0))),
    v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))),
  );
  const valid = n >= 16 ? 0xffff : (1 << (<i32>n)) - 1;
  return i8x16.bitmask(special) & valid;
}

/** Length of the name once escaped (without quotes), or NOT_UTF8. */
export function scanName(src: usize, n: usize): usize {
  if (ASC_FEATURE_SIMD) {
    // Fast path: plain ASCII with nothing to escape (nearly every real name) is one compare per 16 bytes.
    for (let i: usize = 0; i < n; i += 16) {
      if (specialMask(v128.load(src + i), n - i) !== 0) return scanSlow(src, n);
    }
    return n;
  }
  return scanSlow(src, n);
}

function writeSlow(dst: usize, src: usize, n: usize): usize {
  let d = dst;
  for (let i: usize = 0; i < n; i++) {
    const c = load<u8>(src + i);
    const e = load<u8>(ESC_LEN + <usize>c);
    if (e === 1) {
      store<u8>(d, c);
      d++;
    } else if (e === 2) {
      store<u8>(d, 0x5c);
      store<u8>(d, load<u8>(ESC_CHAR + <usize>c), 1);
      d += 2;
    } else {
      // \u00XX, lower-case hex; c < 0x20 here so the first hex digit is 0 or 1.
      store<u32>(d, 0x3030755c); // "\u00"
      store<u8>(d, <u8>(48 + (c >> 4)), 4);
      const lo = c & 15;
      store<u8>(d, <u8>(lo < 10 ? 48 + lo : 87 + lo), 5);
      d += 6;
    }
  }
  return d;
}

/** Writes the escaped name (without quotes) at dst and returns the end. The name was scanned before. */
export function writeName(dst: usize, src: usize, n: usize): usize {
  if (ASC_FEATURE_SIMD) {
    for (let i: usize = 0; i < n; i += 16) {
      const v = v128.load(src + i);
      if (specialMask(v, n - i) !== 0) return writeSlow(dst + i, src + i, n - i);
      v128.store(dst + i, v);
    }
    return dst + n;
  }
  return writeSlow(dst, src, n);
}
