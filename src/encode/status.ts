/**
 * Status codes of the encoder, mirrored from assembly/status.ts (a unit test checks the two agree).
 * The JS reader and the JS writer report bad input with the same names, so every encoder fails the
 * same way on the same bytes.
 */
import { EncodeError } from '../errors.ts';

export const STATUS = {
  OK: 0,
  BAD_BYTE_LENGTH: 1,
  BAD_MAGIC: 2,
  BAD_VERSION: 3,
  TRUNCATED: 4,
  BAD_LENGTH: 5,
  BAD_TOPIC_INDEX: 6,
  BAD_TIMESTAMP_TYPE: 7,
  INVALID_UTF8: 8,
  TRAILING_BYTES: 9,
  SCRATCH_TOO_SMALL: 10,
  OUTPUT_TOO_SMALL: 11,
  INTERNAL_SIZE_MISMATCH: 12,
} as const;

export type StatusName = keyof typeof STATUS;

const NAMES = new Map<number, StatusName>(
  Object.entries(STATUS).map(([name, code]) => [code, name as StatusName]),
);

const MESSAGES: Record<StatusName, string> = {
  OK: 'ok',
  BAD_BYTE_LENGTH: 'packed batch length does not match its header',
  BAD_MAGIC: 'not a packed batch (bad magic)',
  BAD_VERSION: 'unsupported packed batch version or flags',
  TRUNCATED: 'packed batch is truncated',
  BAD_LENGTH: 'negative length in packed batch',
  BAD_TOPIC_INDEX: 'record refers to a topic that is not in the topic table',
  BAD_TIMESTAMP_TYPE: 'unknown timestampType',
  INVALID_UTF8: 'topic or header name is not valid UTF-8',
  TRAILING_BYTES: 'bytes left over after the last record',
  SCRATCH_TOO_SMALL: 'scratch region too small',
  OUTPUT_TOO_SMALL: 'output region too small',
  INTERNAL_SIZE_MISMATCH: 'encoder wrote a payload of unexpected length (bug)',
};

/** The error for a status; `record` is the index where bad input was found, when known. */
export function statusError(status: number, record?: number): EncodeError {
  const name = NAMES.get(status);
  const message = name === undefined ? `unknown encoder status ${status}` : MESSAGES[name];
  const context: Record<string, unknown> = { status: name ?? status };
  if (record !== undefined && record !== 0xffffffff) context.record = record;
  return new EncodeError('ENCODE_FAILED', `cannot encode batch: ${message}`, { context });
}
