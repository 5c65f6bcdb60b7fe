/**
 * Per-caller request rate on the admin API (reliability.md §5: rate-limit the API and replay).
 * A token bucket per principal (the SigV4 access key or bearer token's name; `anonymous` for an open
 * dev listener): `perSecond` tokens a second, up to `burst` saved. Over the rate a request answers 429
 * TooManyRequestsException with Retry-After, as Lambda's own API throttles a caller
 * (Reason CallerRateLimitExceeded); the AWS SDKs and CLI back off and retry on it.
 */
export interface RateLimitSettings {
  /** Sustained requests per second per caller. */
  readonly perSecond: number;
  /** Requests a caller may make at once after being idle. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Buckets kept at most; idle ones (full again) are dropped first when there are more callers. */
const MAX_BUCKETS = 10_000;

export class RateLimiter {
  readonly #settings: RateLimitSettings;
  readonly #buckets = new Map<string, Bucket>();

  constructor(settings: RateLimitSettings) {
    this.#settings = settings;
  }

  /** Takes one request for `key`: 0 when allowed, else the ms until one would be. */
  take(key: string, nowMs: number): number {
    const { perSecond, burst } = this.#settings;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) * perSecond) / 1000);
    bucket.atMs = nowMs;
    if (!this.#buckets.has(key)) this.#remember(key, bucket, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
  }

  #remember(key: string, bucket: Bucket, nowMs: number): void {
    if (this.#buckets.size >= MAX_BUCKETS) {
      const { perSecond, burst } = this.#settings;
      for (const [k, b] of this.#buckets) {
        if (b.tokens + ((nowMs - b.atMs) * perSecond) / 1000 >= burst) this.#buckets.delete(k);
      }
      // All busy (a flood of distinct callers): forget the oldest rather than grow without bound.
      if (this.#buckets.size >= MAX_BUCKETS)
        this.#buckets.delete(this.#buckets.keys().next().value as string);
    }
    this.#buckets.set(key, bucket);
  }
}
