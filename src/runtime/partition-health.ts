/**
 * Per-partition health, beyond AWS (which shows one LastProcessingResult per mapping): every instance
 * publishes what it sees of the partitions it owns — buffered records, the in-flight batch and how
 * long it has been in flight, failed attempts and the last error, the settled offset, whether the
 * partition is paused — into one Redis hash per mapping (`<prefix>:health:<uuid>`, field = partition,
 * expiring when no instance refreshes it). The admin API reads it back.
 */
import type { Redis } from 'ioredis';

export interface PartitionHealth {
  partition: number;
  instance: string;
  buffered: number;
  paused: boolean;
  settledOffset?: number;
  inFlight?: { firstOffset: number; lastOffset: number; records: number; sinceMs: number };
  failedAttempts?: number;
  lastError?: string;
  lastErrorAtMs?: number;
  updatedAtMs: number;
}

/** A batch in flight this long is reported as stuck. */
export const STUCK_AFTER_MS = 60_000;

export class PartitionHealthStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(redis: Redis, prefix: string, ttlMs = 30_000) {
    this.redis = redis;
    this.prefix = prefix;
    this.ttlMs = ttlMs;
  }

  private key(uuid: string): string {
    return `${this.prefix}:health:${uuid}`;
  }

  async publish(uuid: string, entries: readonly PartitionHealth[]): Promise<void> {
    if (entries.length === 0) return;
    const fields = entries.flatMap((e) => [String(e.partition), JSON.stringify(e)]);
    await this.redis
      .multi()
      .hset(this.key(uuid), ...fields)
      .pexpire(this.key(uuid), this.ttlMs)
      .exec();
  }

  /** The freshest entry per partition; entries older than the TTL (an instance gone) are left out. */
  async read(uuid: string, nowMs = Date.now()): Promise<PartitionHealth[]> {
    const raw = await this.redis.hgetall(this.key(uuid));
    const out: PartitionHealth[] = [];
    for (const value of Object.values(raw)) {
      try {
        const entry = JSON.parse(value) as PartitionHealth;
        if (nowMs - entry.updatedAtMs <= this.ttlMs) out.push(entry);
      } catch {
        // a malformed entry is skipped, never fatal
      }
    }
    return out.sort((a, b) => a.partition - b.partition);
  }
}

/** The admin API's JSON for one partition (PascalCase, like the rest of the API). */
export function partitionHealthJson(e: PartitionHealth, nowMs = Date.now()): Record<string, unknown> {
  const inFlightMs = e.inFlight ? nowMs - e.inFlight.sinceMs : undefined;
  return {
    Partition: e.partition,
    Instance: e.instance,
    BufferedRecords: e.buffered,
    Paused: e.paused,
    ...(e.settledOffset === undefined ? {} : { SettledOffset: e.settledOffset }),
    ...(e.inFlight
      ? {
          InFlight: {
            FirstOffset: e.inFlight.firstOffset,
            LastOffset: e.inFlight.lastOffset,
            RecordCount: e.inFlight.records,
            Seconds: Math.round((inFlightMs ?? 0) / 100) / 10,
          },
        }
      : {}),
    ...(e.failedAttempts ? { FailedAttempts: e.failedAttempts } : {}),
    ...(e.lastError ? { LastError: e.lastError, LastErrorTime: (e.lastErrorAtMs ?? 0) / 1000 } : {}),
    State:
      inFlightMs !== undefined && inFlightMs > STUCK_AFTER_MS
        ? 'Stuck'
        : e.failedAttempts
          ? 'Retrying'
          : 'OK',
    UpdatedAt: e.updatedAtMs / 1000,
  };
}
