/** UTF-8 payload bytes to the string a local function's event is parsed from. */
const utf8 = new TextDecoder();
/**
 * Below both the size from which Node makes a decoded string external (≈ 1 MB) and V8's large-object
 * size (128 KiB), whose fresh pages made 512 KiB pieces 7× slower to decode (measured).
 */
const PIECE = 64 * 1024;

/**
 * The payload as one string, decoded in pieces: Node hands out a string decoded from more than ≈ 1 MB
 * as an external string, which this worker's GC frees only at a full collection, so under load dozens
 * of event-sized strings stayed resident (measured: 40 MB on average). Pieces are ordinary heap
 * strings; JSON.parse flattens their concatenation once. The price: ≈ 0.6 ms more per 1.5 MB event
 * (1.9 ms instead of 1.2 ms to decode and parse; docs/benchmarks.md).
 */
export function decodePayload(payload: Uint8Array, piece = PIECE): string {
  if (payload.byteLength <= piece) return utf8.decode(payload);
  let text = '';
  for (let at = 0; at < payload.byteLength; at += piece) {
    const end = Math.min(payload.byteLength, at + piece);
    // stream: a multi-byte character cut at a piece boundary is completed by the next piece.
    text += utf8.decode(payload.subarray(at, end), { stream: end < payload.byteLength });
  }
  return text;
}
