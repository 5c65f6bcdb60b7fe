/**
 * Payload bytes of the batches this process submitted, kept in memory so that its own processor need
 * not read them back from Redis (Redis holds the same bytes for other instances, adoption and replay).
 *
 * The store owns each buffer and frees it (src/release.ts) as soon as nobody needs it: the runner
 * drops a key when its batch settled, and a use still holding the bytes at that moment keeps them
 * until it ends: the Redis write of the payload, which reads them in place (src/dispatch/set-bytes.ts),
 * or an invocation (a job BullMQ found stalled and runs a second time). Freed promptly, a batch's
 * megabytes leave the process at once instead of at some later GC.
 */
import { releaseBuffer } from '../release.ts';

interface Entry {
  bytes: Uint8Array;
  users: number;
  /** Dropped by the runner while still in use: freed when the last use ends. */
  dropped: boolean;
}

export class LocalPayloads {
  readonly #entries = new Map<string, Entry>();
  readonly #release: (bytes: Uint8Array) => void;

  constructor(release: (bytes: Uint8Array) => void = releaseBuffer) {
    this.#release = release;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Takes over `bytes` (the caller keeps no other reference it will use after dropping the key). */
  set(key: string, bytes: Uint8Array): void {
    this.#entries.set(key, { bytes, users: 0, dropped: false });
  }

  /** The bytes for one use (the Redis write, an invocation, a hand-off to failure handling); end it with `done`. */
  use(key: string): Uint8Array | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.dropped) return undefined;
    entry.users += 1;
    return entry.bytes;
  }

  done(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users <= 0 && entry.dropped) this.#forget(key, entry);
  }

  /** The runner is finished with the key: the bytes are freed now, or when the last use ends. */
  drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    if (entry.users > 0) entry.dropped = true;
    else this.#forget(key, entry);
  }

  #forget(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#release(entry.bytes);
  }
}
