// The raw-batch layout (docs/raw-batch-layout.md, version 1) and the scratch and result areas
// this module uses. All integers little-endian; WASM loads are unaligned-safe.

export const MAGIC: u32 = 0x31424c4b; // "KLB1" read as a little-endian u32
export const HEADER_BYTES: usize = 20;
// topicIndex u16, timestampType u8, reserved u8, partition i32, offset i64, timestamp i64.
export const RECORD_FIXED: usize = 24;
// The smallest record: the fixed part, two lengths and a header count.
export const RECORD_MIN: usize = RECORD_FIXED + 4 + 4 + 2;

// Scratch area, laid out from the scratch pointer (all entries u32 unless noted):
//   topics    topicCount × 16   namePtr, nameLen, escapedLen, -
//   records   recordCount × 16  pos (batch-relative), group, next (same group, same payload), -
//   groups    recordCount × 32  topic, partition, stamp (payload + 1), tail, keyLen, writeHead, -, -
//   chains    recordCount × 8   per payload, its groups in order of first appearance: group, head
//   payloads  recordCount × 24  outOffset, length, firstRecord, recordCount, chainStart, chainCount
//   oversized recordCount × 16  index, pos, size (u64)
//   holes     recordCount × 24  per key and value left for the host: outOffset, inOffset, length
//   hash      slots × 4         group + 1 (0 = empty), slots = power of two ≥ 2 × recordCount
export const TOPIC_STRIDE: usize = 16;
export const RECORD_STRIDE: usize = 16;
export const GROUP_STRIDE: usize = 32;
export const CHAIN_STRIDE: usize = 8;
export const PAYLOAD_STRIDE: usize = 24;
export const OVERSIZED_STRIDE: usize = 16;
// Two holes per record at most (key and value), 12 bytes each.
export const HOLE_STRIDE: usize = 12;
// Marks the end of a chain of records.
export const NONE: u32 = 0xffffffff;

export function hashSlots(recordCount: usize): usize {
  let slots: usize = 16;
  while (slots < recordCount << 1) slots <<= 1;
  return slots;
}

// Where the scratch tables are for the current call (globals, not an object: the module allocates
// nothing, so the host owns all memory from __heap_base up).
export let sTopics: usize = 0;
export let sRecords: usize = 0;
export let sGroups: usize = 0;
export let sChains: usize = 0;
export let sPayloads: usize = 0;
export let sOversized: usize = 0;
export let sHoles: usize = 0;
export let sHash: usize = 0;

/** Places the scratch tables from base and returns their end. */
export function placeScratch(base: usize, recordCount: usize, topicCount: usize): usize {
  sTopics = base;
  sRecords = sTopics + topicCount * TOPIC_STRIDE;
  sGroups = sRecords + recordCount * RECORD_STRIDE;
  sChains = sGroups + recordCount * GROUP_STRIDE;
  sPayloads = sChains + recordCount * CHAIN_STRIDE;
  sOversized = sPayloads + recordCount * PAYLOAD_STRIDE;
  sHoles = sOversized + recordCount * OVERSIZED_STRIDE;
  sHash = sHoles + recordCount * 2 * HOLE_STRIDE;
  return sHash + hashSlots(recordCount) * 4;
}

// Result area (static), read by the host after encode() as u32 words.
export const RESULT: usize = memory.data(64, 16);
export const R_DETAIL: usize = 0; // record index where a bad-input status was found, or NONE
export const R_NEED_LO: usize = 4; // *_TOO_SMALL: bytes needed (low and high u32)
export const R_NEED_HI: usize = 8;
export const R_PAYLOADS: usize = 12; // payload count
export const R_PAYLOAD_PTR: usize = 16; // pointer to payload descriptors (PAYLOAD_STRIDE each)
export const R_OVERSIZED: usize = 20; // oversized record count
export const R_OVERSIZED_PTR: usize = 24; // pointer to oversized entries (OVERSIZED_STRIDE each)
export const R_OUTPUT_BYTES: usize = 28; // total bytes written to the output region
export const R_HOLES: usize = 32; // count of base64 holes left for the host to fill
export const R_HOLES_PTR: usize = 36; // pointer to the holes (HOLE_STRIDE each)
