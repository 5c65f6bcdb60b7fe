/**
 * Small helpers for the failure modules' Redis calls: a deadline that turns a silent Redis (the
 * bridge's client queues commands forever while disconnected, as BullMQ requires) into an error, and
 * the unpacking of MULTI/pipeline replies.
 */
import { BridgeError, isBridgeError } from '../errors.ts';

/**
 * Runs a Redis operation with a deadline; every failure becomes BridgeError REDIS_FAILED (retriable).
 * A command that timed out may still run later when Redis comes back: callers keep writes idempotent.
 */
export async function withDeadline<T>(what: string, timeoutMs: number, op: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BridgeError('REDIS_FAILED', `${what}: no answer from Redis in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([op(), deadline]);
  } catch (cause) {
    if (isBridgeError(cause) && cause.code !== 'REDIS_FAILED') throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new BridgeError('REDIS_FAILED', `${what}: ${message}`, { cause, retriable: true });
  } finally {
    clearTimeout(timer);
  }
}

/** The replies of a MULTI/pipeline, or the first error in it. */
export function checkExec(reply: [Error | null, unknown][] | null): unknown[] {
  if (reply === null) throw new Error('transaction aborted');
  return reply.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** ZRANGEBYSCORE bounds (infinities spelled as Redis wants them). */
export function bound(n: number): string {
  return n === Number.NEGATIVE_INFINITY ? '-inf' : n === Number.POSITIVE_INFINITY ? '+inf' : String(n);
}
