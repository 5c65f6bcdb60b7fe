/**
 * A record value as Lambda's Kafka filtering sees it (lambda-esm.md §3.7): the bytes decoded as UTF-8;
 * when the text is JSON, the parsed value (JSON patterns apply to its fields), otherwise the text
 * itself (string patterns apply to the whole value). A tombstone or bytes that are not valid UTF-8 give
 * `undefined`: the record then has no `value` field, so only metadata-style patterns such as
 * `{"value": [{"exists": false}]}` can match it.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `text` can start a JSON text: its first non-blank character opens a JSON value. */
function mayBeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    // { [ " - 0-9 t f n
    return (
      c === 0x7b ||
      c === 0x5b ||
      c === 0x22 ||
      c === 0x2d ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x74 ||
      c === 0x66 ||
      c === 0x6e
    );
  }
  return false;
}

export function decodeValue(bytes: Uint8Array | null): unknown {
  if (bytes === null) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (!mayBeJson(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
