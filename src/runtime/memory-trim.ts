/**
 * Hands free malloc memory back to the OS at a steady pace. Batch buffers are allocated and freed by
 * the megabyte on several threads; glibc keeps freed chunks that sit between live ones resident, and
 * under load that was 80+ MB of the bridge's RSS (malloc_stats, docs/benchmarks.md). `malloc_trim`
 * comes from the native addon; without it (or off glibc) this does nothing.
 */
import { loadNativeAddon } from '../kafka/native-consumer.ts';

/** Trimming four times a second: lower peak RSS than once a second, no measurable CPU (benchmarks.md). */
export const TRIM_INTERVAL_MS = 250;

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
