// Lookup tables and constant JSON fragments. They live in static memory and are filled once by
// the start function (top-level code), then only read. Keeping them as tables turns the hot loops
// into one load per byte or per pair of digits.

// 6-bit index → base64 character.
export const B64_CHARS: usize = memory.data(64);
// 12-bit index → two base64 characters as a little-endian u16 (the scalar path does 3 bytes in 2 loads).
export const B64_PAIRS: usize = memory.data(8192, 16);
// "00".."99": two ASCII digits per entry.
export const DIGIT_PAIRS: usize = memory.data(200, 8);
// byte → its signed (Java) decimal value and a comma, e.g. 0xC3 → "-61,", as a u64:
// the characters in bytes 0-4, the count of characters (2-5) in byte 7. One u64 store per byte.
export const SIGNED_BYTE: usize = memory.data(2048, 8);
// byte → how many bytes it takes inside a JSON string: 1, 2 (\n, \", \\) or 6 (\u001f).
export const ESC_LEN: usize = memory.data(256);
// byte → the letter after the backslash for the two-byte escapes (0 when not a two-byte escape).
export const ESC_CHAR: usize = memory.data(256);
// Constant JSON fragments, ASCII, packed one after another. 16 bytes of slack at the end because
// short copies read a whole 16-byte block.
const FRAGMENTS: usize = memory.data(512, 16);
let fragmentEnd: usize = FRAGMENTS;

function fragment(s: string): usize {
  const p = fragmentEnd;
  for (let i = 0; i < s.length; i++) store<u8>(p + <usize>i, <u8>s.charCodeAt(i));
  fragmentEnd += <usize>s.length;
  return p;
}

// Record fields, in the order AWS examples use: topic, partition, offset, timestamp, timestampType,
// key, value, headers. Each constant is a pointer; its length is the N_ constant below it.
export const F_TOPIC = fragment('{"topic":"');
export const N_TOPIC: usize = 10;
export const F_PARTITION = fragment('","partition":');
export const N_PARTITION: usize = 14;
export const F_OFFSET = fragment(',"offset":');
export const N_OFFSET: usize = 10;
export const F_TIMESTAMP = fragment(',"timestamp":');
export const N_TIMESTAMP: usize = 13;
// timestampType 0, 1, 2 (layout values) → the three strings. 0 is Kafka's NO_TIMESTAMP_TYPE.
export const F_TT0 = fragment(',"timestampType":"NO_TIMESTAMP_TYPE"');
export const N_TT0: usize = 36;
export const F_TT1 = fragment(',"timestampType":"CREATE_TIME"');
export const N_TT1: usize = 30;
export const F_TT2 = fragment(',"timestampType":"LOG_APPEND_TIME"');
export const N_TT2: usize = 34;
export const F_KEY = fragment(',"key":"');
export const N_KEY: usize = 8;
export const F_VALUE = fragment(',"value":"');
export const N_VALUE: usize = 10;
export const F_HEADERS = fragment(',"headers":[');
export const N_HEADERS: usize = 12;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) store<u8>(B64_CHARS + <usize>i, <u8>B64.charCodeAt(i));
for (let i = 0; i < 4096; i++) {
  const pair =
    <u32>load<u8>(B64_CHARS + <usize>(i >> 6)) | ((<u32>load<u8>(B64_CHARS + <usize>(i & 63))) << 8);
  store<u16>(B64_PAIRS + ((<usize>i) << 1), <u16>pair);
}
for (let i = 0; i < 100; i++) {
  store<u8>(DIGIT_PAIRS + ((<usize>i) << 1), <u8>(48 + i / 10));
  store<u8>(DIGIT_PAIRS + ((<usize>i) << 1) + 1, <u8>(48 + (i % 10)));
}
for (let b = 0; b < 256; b++) {
  let v = b < 128 ? b : b - 256;
  let entry: u64 = 0;
  let n: u64 = 0;
  if (v < 0) {
    entry = 45; // '-'
    n = 1;
    v = -v;
  }
  if (v >= 100) {
    entry |= (<u64>(48 + v / 100)) << (n << 3);
    n++;
  }
  if (v >= 10) {
    entry |= (<u64>(48 + ((v / 10) % 10))) << (n << 3);
    n++;
  }
  entry |= (<u64>(48 + (v % 10))) << (n << 3);
  n++;
  entry |= (<u64>44) << (n << 3); // ','
  n++;
  store<u64>(SIGNED_BYTE + ((<usize>b) << 3), entry | (n << 56));
}
for (let c = 0; c < 256; c++) store<u8>(ESC_LEN + <usize>c, c < 0x20 ? 6 : 1);
function shortEscape(c: i32, letter: i32): void {
  store<u8>(ESC_LEN + <usize>c, 2);
  store<u8>(ESC_CHAR + <usize>c, <u8>letter);
}
// The same choices as JSON.stringify: short forms where JSON has them, \u00xx (lower case) otherwise.
shortEscape(0x08, 0x62); // \b
shortEscape(0x09, 0x74); // \t
shortEscape(0x0a, 0x6e); // \n
shortEscape(0x0c, 0x66); // \f
shortEscape(0x0d, 0x72); // \r
shortEscape(0x22, 0x22); // \"
shortEscape(0x5c, 0x5c); // \\

// Fragments are written before these checks run, so a wrong N_ constant is caught at start-up
// (the module fails to instantiate) rather than producing a payload of the wrong length.
assert(F_PARTITION - F_TOPIC === N_TOPIC);
assert(F_OFFSET - F_PARTITION === N_PARTITION);
assert(F_TIMESTAMP - F_OFFSET === N_OFFSET);
assert(F_TT0 - F_TIMESTAMP === N_TIMESTAMP);
assert(F_TT1 - F_TT0 === N_TT0);
assert(F_TT2 - F_TT1 === N_TT1);
assert(F_KEY - F_TT2 === N_TT2);
assert(F_VALUE - F_KEY === N_KEY);
assert(F_HEADERS - F_VALUE === N_VALUE);
assert(fragmentEnd - F_HEADERS === N_HEADERS);
