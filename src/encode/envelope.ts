/**
 * The encoder options and the parts of the event that do not depend on the records: the opening
 * `{"eventSource":…,"records":{` (pre-encoded once, not per batch) and the byte cap.
 */
import { EncodeError } from '../errors.ts';

/** Lambda's synchronous Invoke payload limit (6 MB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 6_291_456;

export interface EncodeOptions {
  /** "aws:kafka" (Amazon MSK: needs eventSourceArn) or "SelfManagedKafka" (no ARN). */
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  /** The MSK cluster ARN; only with eventSource "aws:kafka". */
  eventSourceArn?: string;
  /** Comma-separated host:port list, as Lambda sends it. */
  bootstrapServers: string;
  /** Largest serialized payload, in bytes. Default 6_291_456. */
  maxPayloadBytes?: number;
}

export interface Envelope {
  /** UTF-8 of the event up to and including `"records":{`. Every payload ends with `}}`. */
  prefix: Uint8Array;
  maxPayloadBytes: number;
}

function invalid(message: string): EncodeError {
  return new EncodeError('ENCODE_FAILED', `invalid encoder options: ${message}`);
}

export function buildEnvelope(options: EncodeOptions): Envelope {
  const { eventSource, eventSourceArn, bootstrapServers } = options;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
    throw invalid('maxPayloadBytes must be a positive integer');
  }
  if (typeof bootstrapServers !== 'string') throw invalid('bootstrapServers must be a string');
  let head: string;
  if (eventSource === 'aws:kafka') {
    if (typeof eventSourceArn !== 'string') throw invalid('eventSource "aws:kafka" needs eventSourceArn');
    head = `{"eventSource":"aws:kafka","eventSourceArn":${JSON.stringify(eventSourceArn)},`;
  } else if (eventSource === 'SelfManagedKafka') {
    // Lambda sends no ARN for self-managed clusters; refusing one catches a mis-wired mapping.
    if (eventSourceArn !== undefined) throw invalid('eventSource "SelfManagedKafka" takes no eventSourceArn');
    head = '{"eventSource":"SelfManagedKafka",';
  } else {
    throw invalid(`unknown eventSource ${JSON.stringify(eventSource)}`);
  }
  const prefix = Buffer.from(
    `${head}"bootstrapServers":${JSON.stringify(bootstrapServers)},"records":{`,
    'utf8',
  );
  return { prefix, maxPayloadBytes };
}

/**
 * Remembers the last envelope: callers usually build a fresh options object per batch with the same
 * values, so the cache compares values, not identity.
 */
export function envelopeCache(): (options: EncodeOptions) => Envelope {
  let last: EncodeOptions | undefined;
  let envelope: Envelope | undefined;
  return (options) => {
    if (
      envelope === undefined ||
      last === undefined ||
      last.eventSource !== options.eventSource ||
      last.eventSourceArn !== options.eventSourceArn ||
      last.bootstrapServers !== options.bootstrapServers ||
      last.maxPayloadBytes !== options.maxPayloadBytes
    ) {
      envelope = buildEnvelope(options);
      last = { ...options };
    }
    return envelope;
  };
}
