// Status codes returned by `encode()`. The module never traps on bad input: every reader checks
// lengths against the batch's byteLength and returns one of these instead.
// Mirrored by src/encode/status.ts; keep the numbers in sync (a unit test compares them).

// The batch was encoded; results are in the result area.
export const OK: i32 = 0;
// Fewer than 20 bytes, or the header's byteLength differs from the length handed in.
export const BAD_BYTE_LENGTH: i32 = 1;
// The first four bytes are not "KLB1".
export const BAD_MAGIC: i32 = 2;
// A version other than 1, or reserved flags that are not 0.
export const BAD_VERSION: i32 = 3;
// A field or a length runs past byteLength (a truncated or corrupt batch).
export const TRUNCATED: i32 = 4;
// A length below -1, or -1 where null is not allowed (names).
export const BAD_LENGTH: i32 = 5;
// recordCount > 0 with an empty topic table, or a record's topicIndex ≥ topicCount.
export const BAD_TOPIC_INDEX: i32 = 6;
// timestampType other than 0, 1 or 2.
export const BAD_TIMESTAMP_TYPE: i32 = 7;
// A topic or header name is not valid UTF-8 (the payload would not be valid JSON text).
export const INVALID_UTF8: i32 = 8;
// The records end before byteLength (trailing garbage means the writer and reader disagree).
export const TRAILING_BYTES: i32 = 9;
// The scratch region is too small; the needed size is in the result area. The host grows and retries.
export const SCRATCH_TOO_SMALL: i32 = 10;
// The output region is too small; the needed size is in the result area. The host grows and retries.
export const OUTPUT_TOO_SMALL: i32 = 11;
// A payload came out at a different length than planned: a bug in this module, never bad input.
export const INTERNAL_SIZE_MISMATCH: i32 = 12;
