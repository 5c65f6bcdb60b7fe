/**
 * Frees a large buffer now instead of at the next garbage collection.
 *
 * Batches are megabytes each and pass through several stages per second; left to the GC, dead
 * buffers pile up between collections (V8 collects on heap growth, and a batch's bytes live outside
 * the heap) and the process's RSS grows by hundreds of MB under load. Each stage that owns a batch
 * buffer outright therefore frees it when it is done: `transfer(0)` detaches the ArrayBuffer and
 * drops its backing store at once. Any view of it left behind reads as empty, so call this only on
 * a buffer no one else holds (docs/architecture.md, "Buffer ownership").
 *
 * Views that do not span their whole ArrayBuffer (slices of a shared or pooled buffer) and small
 * buffers are left alone.
 */
const MIN_BYTES = 64 * 1024;

type Transferable = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer; readonly detached?: boolean };

export function releaseBuffer(bytes: Uint8Array | undefined): void {
  if (bytes === undefined || bytes.byteLength < MIN_BYTES || bytes.byteOffset !== 0) return;
  const buffer = bytes.buffer as Transferable;
  if (bytes.byteLength !== buffer.byteLength || typeof buffer.transfer !== 'function') return;
  try {
    buffer.transfer(0);
  } catch {
    // Not detachable (e.g. WebAssembly memory): the GC frees it as before.
  }
}
