/**
 * Pure classification of an invoke response into what the dispatcher does next.
 *
 * With ReportBatchItemFailures on, the function may return
 * `{"batchItemFailures":[{"itemIdentifier":{"partition":"topic-0","offset":42}}]}`: the batch is then
 * retried from the lowest failed offset of the partition (records before it are settled). An empty
 * list, `{}` or null means success; an identifier that is not in the batch fails the whole batch, as
 * on AWS (../shared/docs/lambda-esm.md §3.5).
 */
import type { InvokeResponse } from './target.ts';

export type Outcome =
  | { kind: 'success' }
  | { kind: 'partial'; retryFromOffset: number; failedOffsets: number[] }
  | {
      kind: 'failure';
      reason:
        | 'function-error'
        | 'throttled'
        | 'transport-error'
        | 'not-found'
        | 'too-large'
        | 'bad-partial-response';
      message: string;
      retryAfterMs?: number;
    };

export interface BatchIdentity {
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  /** Offsets actually in the batch (filtered records are absent); undefined = the whole range. */
  contains?: (offset: number) => boolean;
}

function parseJson(body: Uint8Array | undefined): unknown {
  if (!body || body.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function classify(
  response: InvokeResponse,
  batch: BatchIdentity,
  reportBatchItemFailures: boolean,
): Outcome {
  if (response.status !== 'ok') {
    return {
      kind: 'failure',
      reason: response.status,
      message: response.message ?? response.status,
      ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
    };
  }
  if (!reportBatchItemFailures) return { kind: 'success' };
  const result = parseJson(response.body);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return { kind: 'success' };
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) {
    return { kind: 'success' };
  }
  const bad = (why: string): Outcome => ({
    kind: 'failure',
    reason: 'bad-partial-response',
    message: `batchItemFailures ${why}: the whole batch counts as failed`,
  });
  if (!Array.isArray(failures)) return bad('is not a list');
  const key = `${batch.topic}-${batch.partition}`;
  const offsets: number[] = [];
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier as
      | { partition?: unknown; offset?: unknown }
      | undefined;
    const offset = typeof id?.offset === 'string' ? Number(id.offset) : id?.offset;
    if (!id || id.partition !== key || typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
      return bad('names a record that is not in the batch');
    }
    if (
      offset < batch.firstOffset ||
      offset > batch.lastOffset ||
      (batch.contains && !batch.contains(offset))
    ) {
      return bad(`names offset ${offset}, which is not in the batch`);
    }
    offsets.push(offset);
  }
  offsets.sort((a, b) => a - b);
  return { kind: 'partial', retryFromOffset: offsets[0] as number, failedOffsets: offsets };
}
