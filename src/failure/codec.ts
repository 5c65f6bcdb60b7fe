/**
 * FailedBatchMeta ⇄ the string fields of its Redis hash. Numbers are decimal text, lists and objects
 * JSON; optional fields are absent, not empty. `replayCount` is its own field so HINCRBY can bump it.
 */
import type {
  BatchState,
  DestinationState,
  FailedAttempt,
  FailedBatchMeta,
  ResponseContext,
} from './types.ts';

/** Stored attempt history and error texts are capped so one batch's metadata stays small. */
export const MAX_ATTEMPTS_KEPT = 100;
export const MAX_ERROR_CHARS = 4096;

export const clip = (text: string): string =>
  text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;

export function toFields(meta: FailedBatchMeta): Record<string, string> {
  const fields: Record<string, string> = {
    id: meta.id,
    mappingId: meta.mappingId,
    functionArn: meta.functionArn,
    topic: meta.topic,
    partition: String(meta.partition),
    firstOffset: String(meta.firstOffset),
    lastOffset: String(meta.lastOffset),
    recordCount: String(meta.recordCount),
    firstTimestampMs: String(meta.firstTimestampMs),
    lastTimestampMs: String(meta.lastTimestampMs),
    packedBytes: String(meta.packedBytes),
    condition: meta.condition,
    error: clip(meta.error),
    attempts: JSON.stringify(
      meta.attempts.slice(-MAX_ATTEMPTS_KEPT).map((a) => ({ atMs: a.atMs, error: clip(a.error) })),
    ),
    approximateInvokeCount: String(meta.approximateInvokeCount),
    responseContext: JSON.stringify(meta.responseContext),
    createdAtMs: String(meta.createdAtMs),
    replayCount: String(meta.replayCount),
    state: meta.state,
    destination: meta.destination,
  };
  if (meta.replayedAtMs !== undefined) fields.replayedAtMs = String(meta.replayedAtMs);
  if (meta.destinationError !== undefined) fields.destinationError = clip(meta.destinationError);
  return fields;
}

const num = (text: string | undefined): number => (text === undefined ? 0 : Number(text));

function json<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The hash back as metadata; undefined for a missing (empty) hash. */
export function fromFields(f: Record<string, string>): FailedBatchMeta | undefined {
  if (f.id === undefined || f.mappingId === undefined) return undefined;
  return {
    id: f.id,
    mappingId: f.mappingId,
    functionArn: f.functionArn ?? '',
    topic: f.topic ?? '',
    partition: num(f.partition),
    firstOffset: num(f.firstOffset),
    lastOffset: num(f.lastOffset),
    recordCount: num(f.recordCount),
    firstTimestampMs: num(f.firstTimestampMs),
    lastTimestampMs: num(f.lastTimestampMs),
    packedBytes: num(f.packedBytes),
    condition: f.condition ?? '',
    error: f.error ?? '',
    attempts: json<FailedAttempt[]>(f.attempts, []),
    approximateInvokeCount: num(f.approximateInvokeCount),
    responseContext: json<ResponseContext | null>(f.responseContext, null),
    createdAtMs: num(f.createdAtMs),
    replayCount: num(f.replayCount),
    ...(f.replayedAtMs === undefined ? {} : { replayedAtMs: num(f.replayedAtMs) }),
    state: (f.state === 'replayed' ? 'replayed' : 'failed') satisfies BatchState,
    destination: (f.destination ?? 'none') as DestinationState,
    ...(f.destinationError === undefined ? {} : { destinationError: f.destinationError }),
  };
}

/** A page position: the (score, id) of the last batch seen, opaque to clients. */
export function encodeMarker(score: number, id: string): string {
  return Buffer.from(`${score}/${id}`, 'utf8').toString('base64url');
}

export function decodeMarker(marker: string): { score: number; id: string } | undefined {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  const slash = text.indexOf('/');
  const score = Number(text.slice(0, slash));
  if (slash <= 0 || !Number.isFinite(score)) return undefined;
  return { score, id: text.slice(slash + 1) };
}

/** The filters of a list query that need the metadata (the time range is applied by the index). */
export function matchesQuery(
  meta: FailedBatchMeta,
  q: { partition?: number; errorContains?: string; state?: BatchState },
): boolean {
  if (q.partition !== undefined && meta.partition !== q.partition) return false;
  if (q.state !== undefined && meta.state !== q.state) return false;
  if (q.errorContains !== undefined && q.errorContains !== '') {
    const needle = q.errorContains.toLowerCase();
    const hay = [meta.error, ...meta.attempts.map((a) => a.error)];
    if (!hay.some((e) => e.toLowerCase().includes(needle))) return false;
  }
  return true;
}
