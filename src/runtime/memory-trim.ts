/**
 * Hands free malloc memory back to the OS at a steady pace. Batch buffers are allocated and freed by
 * the megabyte on several threads; glibc keeps freed chunks that sit between live ones resident, and
 * under load that was 80+ MB of the bridge's RSS (malloc_stats, docs/benchmarks.md). `malloc_trim`
 * comes from the native addon; without it (or off glibc) this does nothing.
 */
import { loadNativeAddon } from '../kafka/native-consumer.ts';

/**
 * Ten times a second: peak RSS of a 1M-record drain 351 MiB untrimmed, 319 at 1 s, 305 at 250 ms,
 * 287 at 100 ms (with one malloc arena), with no CPU difference beyond run-to-run noise (bench:rss).
 */
export const TRIM_INTERVAL_MS = 100;

/** The addon's trim function, or undefined when the addon does not load. */
export function nativeTrim(): (() => boolean) | undefined {
  try {
    const addon = loadNativeAddon();
    return addon.trimMemory ? () => (addon.trimMemory as () => boolean)() : undefined;
  } catch {
    return undefined;
  }
}

/** Starts trimming; returns the function that stops it. The timer never keeps the process alive. */
export function startMemoryTrim(
  trim: (() => boolean) | undefined,
  intervalMs = TRIM_INTERVAL_MS,
): () => void {
  if (trim === undefined) return () => undefined;
  const timer = setInterval(trim, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
