/**
 * What to do after a failed attempt, pure. AWS offers these controls for Kafka only in provisioned
 * mode; here every mapping has them (lambda-esm.md §3.5):
 *   - MaximumRecordAgeInSeconds: records older than this are given up (before or after an attempt);
 *   - throttles never spend attempts: retry after Retry-After / backoff;
 *   - BisectBatchOnFunctionError: a failing batch of more than one record is split in two halves
 *     (splitting does not spend attempts), isolating a poison record;
 *   - MaximumRetryAttempts: retries after the first attempt; -1 = forever, except that with an
 *     on-failure destination Lambda caps infinite retries at 10, and so do we.
 */
import { type BackoffPolicy, retryDelayMs, throttleDelayMs } from './backoff.ts';

export type FailureCondition =
  | 'RetryAttemptsExhausted'
  | 'MaximumRecordAgeExceeded'
  | 'MaximumPayloadSizeExceeded'
  | 'RecordsExpired';

export type Decision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'bisect' }
  | { kind: 'give-up'; condition: FailureCondition };

export interface PolicySettings {
  maximumRetryAttempts: number;
  maximumRecordAgeSeconds: number;
  bisect: boolean;
  hasDestination: boolean;
}

export const INFINITE_RETRY_CAP_WITH_DESTINATION = 10;

export function recordAgeExceeded(
  settings: PolicySettings,
  oldestTimestampMs: number,
  nowMs: number,
): boolean {
  return (
    settings.maximumRecordAgeSeconds >= 0 &&
    oldestTimestampMs > 0 &&
    nowMs - oldestTimestampMs > settings.maximumRecordAgeSeconds * 1000
  );
}

export function retryCap(settings: PolicySettings): number {
  if (settings.maximumRetryAttempts >= 0) return settings.maximumRetryAttempts;
  return settings.hasDestination ? INFINITE_RETRY_CAP_WITH_DESTINATION : Number.POSITIVE_INFINITY;
}

export interface FailedAttempt {
  /** Failed attempts so far, this one included (throttles excluded). */
  failedAttempts: number;
  /** Throttles so far, this one included. */
  throttles: number;
  throttled: boolean;
  retryAfterMs?: number;
  records: number;
  oldestTimestampMs: number;
  nowMs: number;
}

export function decide(settings: PolicySettings, backoff: BackoffPolicy, attempt: FailedAttempt): Decision {
  if (recordAgeExceeded(settings, attempt.oldestTimestampMs, attempt.nowMs)) {
    return { kind: 'give-up', condition: 'MaximumRecordAgeExceeded' };
  }
  if (attempt.throttled)
    return { kind: 'retry', delayMs: throttleDelayMs(backoff, attempt.retryAfterMs, attempt.throttles) };
  if (settings.bisect && attempt.records > 1) return { kind: 'bisect' };
  if (attempt.failedAttempts > retryCap(settings))
    return { kind: 'give-up', condition: 'RetryAttemptsExhausted' };
  return { kind: 'retry', delayMs: retryDelayMs(backoff, attempt.failedAttempts) };
}
