/**
 * Byte-level JSON pieces for the tuned JS writer: decimal integers, base64, escaped names and signed
 * byte arrays, written straight into a Uint8Array with lookup tables. Same output as JSON.stringify.
 */
import { isUtf8 } from 'node:buffer';

const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10);
  DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Characters needed to print a safe integer. */
export function decimalLength(value: number): number {
  let v = value < 0 ? -value : value;
  let n = value < 0 ? 2 : 1;
  while (v >= 10000) {
    v = Math.floor(v / 10000);
    n += 4;
  }
  return v >= 1000 ? n + 3 : v >= 100 ? n + 2 : v >= 10 ? n + 1 : n;
}

/** Writes a safe integer in decimal at pos; returns the end. */
export function writeDecimal(out: Uint8Array, pos: number, value: number): number {
  let p = pos;
  let v = value;
  if (v < 0) {
    out[p++] = 45; // '-'
    v = -v;
  }
  const end = p + decimalLength(v);
  let q = end;
  while (v >= 100) {
    const next = v < 2147483648 ? (v / 100) | 0 : Math.floor(v / 100);
    const d = (v - next * 100) * 2;
    q -= 2;
    out[q] = DIGIT_PAIRS[d] as number;
    out[q + 1] = DIGIT_PAIRS[d + 1] as number;
    v = next;
  }
  if (v >= 10) {
    out[q - 2] = DIGIT_PAIRS[v * 2] as number;
    out[q - 1] = DIGIT_PAIRS[v * 2 + 1] as number;
  } else {
    out[q - 1] = 48 + v;
  }
  return end;
}

/** Writes an ASCII string (digits of an out-of-range i64) at pos; returns the end. */
export function writeLatin1(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CHARS = Uint8Array.from(B64, (c) => c.charCodeAt(0));
/** Below this, a JS loop beats toString('base64') + latin1 write (fixed cost per native call). */
const NATIVE_BASE64_MIN = 64;

export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/** Base64 of src[start, start + n) written at pos; returns the end. */
export function writeBase64(out: Buffer, pos: number, src: Buffer, start: number, n: number): number {
  if (n >= NATIVE_BASE64_MIN) {
    return pos + out.write(src.toString('base64', start, start + n), pos, 'latin1');
  }
  let p = pos;
  let s = start;
  const end = start + n - 2;
  while (s < end) {
    const v = ((src[s] as number) << 16) | ((src[s + 1] as number) << 8) | (src[s + 2] as number);
    out[p] = B64_CHARS[v >> 18] as number;
    out[p + 1] = B64_CHARS[(v >> 12) & 63] as number;
    out[p + 2] = B64_CHARS[(v >> 6) & 63] as number;
    out[p + 3] = B64_CHARS[v & 63] as number;
    s += 3;
    p += 4;
  }
  const left = start + n - s;
  if (left > 0) {
    const v = ((src[s] as number) << 16) | (left > 1 ? (src[s + 1] as number) << 8 : 0);
    out[p] = B64_CHARS[v >> 18] as number;
    out[p + 1] = B64_CHARS[(v >> 12) & 63] as number;
    out[p + 2] = left > 1 ? (B64_CHARS[(v >> 6) & 63] as number) : 61;
    out[p + 3] = 61;
    p += 4;
  }
  return p;
}

// byte → "ddd," (Java signed byte and a comma): up to 5 characters per entry, and its length.
const SIGNED = new Uint8Array(256 * 5);
const SIGNED_LEN = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const text = `${b < 128 ? b : b - 256},`;
  SIGNED_LEN[b] = text.length;
  for (let i = 0; i < text.length; i++) SIGNED[b * 5 + i] = text.charCodeAt(i);
}

/** Characters of the signed-byte array of src[start, start + n), without brackets. */
export function byteArrayLength(src: Uint8Array, start: number, n: number): number {
  let len = 0;
  for (let i = start; i < start + n; i++) len += SIGNED_LEN[src[i] as number] as number;
  return n > 0 ? len - 1 : 0;
}

/** Writes the signed-byte array of src[start, start + n) without brackets; returns the end. */
export function writeByteArray(
  out: Uint8Array,
  pos: number,
  src: Uint8Array,
  start: number,
  n: number,
): number {
  let p = pos;
  for (let i = start; i < start + n; i++) {
    const b = src[i] as number;
    const e = b * 5;
    const len = SIGNED_LEN[b] as number;
    out[p] = SIGNED[e] as number;
    out[p + 1] = SIGNED[e + 1] as number;
    if (len > 2) out[p + 2] = SIGNED[e + 2] as number;
    if (len > 3) out[p + 3] = SIGNED[e + 3] as number;
    if (len > 4) out[p + 4] = SIGNED[e + 4] as number;
    p += len;
  }
  return n > 0 ? p - 1 : p;
}

// byte → its size inside a JSON string (1, 2 for \" \\ \b \t \n \f \r, 6 for \u00xx), as JSON.stringify.
const ESC_LEN = new Uint8Array(256).fill(1);
const ESC_CHAR = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) ESC_LEN[c] = 6;
for (const [c, letter] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [0x22, '"'],
  [0x5c, '\\'],
] as const) {
  ESC_LEN[c] = 2;
  ESC_CHAR[c] = letter.charCodeAt(0);
}
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Escaped length of the UTF-8 name src[start, start + n), or -1 if it is not valid UTF-8. */
export function scanName(src: Uint8Array, start: number, n: number): number {
  let len = 0;
  let high = 0;
  for (let i = start; i < start + n; i++) {
    const c = src[i] as number;
    high |= c;
    len += ESC_LEN[c] as number;
  }
  if (high >= 0x80 && !isUtf8(src.subarray(start, start + n))) return -1;
  return len;
}

/** Writes the escaped name (without quotes); returns the end. */
export function writeName(out: Uint8Array, pos: number, src: Uint8Array, start: number, n: number): number {
  let p = pos;
  for (let i = start; i < start + n; i++) {
    const c = src[i] as number;
    const e = ESC_LEN[c] as number;
    if (e === 1) {
      out[p++] = c;
    } else if (e === 2) {
      out[p] = 0x5c;
      out[p + 1] = ESC_CHAR[c] as number;
      p += 2;
    } else {
      out[p] = 0x5c; // \u00XX
      out[p + 1] = 0x75;
      out[p + 2] = 0x30;
      out[p + 3] = 0x30;
      out[p + 4] = HEX[c >> 4] as number;
      out[p + 5] = HEX[c & 15] as number;
      p += 6;
    }
  }
  return p;
}

/** Copies src[start, start + n) to out at pos; returns the end. */
export function copyBytes(out: Uint8Array, pos: number, src: Uint8Array, start: number, n: number): number {
  if (n <= 32) {
    for (let i = 0; i < n; i++) out[pos + i] = src[start + i] as number;
  } else {
    out.set(src.subarray(start, start + n), pos);
  }
  return pos + n;
}
