/**
 * Retry delays, pure: exponential with full jitter, capped; a throttle honours Retry-After when the
 * target gave one. Throttles do not spend retry attempts (the caller counts attempts separately).
 */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryDelayMs(
  policy: BackoffPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  // Half fixed, half jitter: never hammer, never wait pointlessly long.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function throttleDelayMs(
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  throttles: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, policy.baseDelayMs), 15 * 60_000);
  return Math.min(policy.maxDelayMs * 2, policy.baseDelayMs * 2 ** Math.min(throttles, 10));
}
