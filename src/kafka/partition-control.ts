/**
 * What the caller asked of each partition (pause, resume, seek), so that records fetched before a
 * pause or seek are never delivered after it. The binding adapter's twin of native/src/control.rs;
 * the reasoning is written there. In short: a fetch that was in flight when a partition was paused
 * or seeked is dropped for that partition, and the partition is repositioned to the offset the
 * caller must see next (the seek target, else the first dropped record): at once when flowing, on
 * resume() when paused. The hint is cleared when a batch of the partition is delivered.
 */
export interface PartitionIntent {
  paused: boolean;
  epoch: number;
  next: number | undefined;
}

export type Verdict = { deliver: true } | { deliver: false; seekTo: number | undefined };

const key = (topic: string, partition: number) => `${partition}:${topic}`;

export class PartitionControl {
  #ops = 0;
  readonly #parts = new Map<string, PartitionIntent>();

  /** The op counter a fetch records when it starts. */
  current(): number {
    return this.#ops;
  }

  #touch(topic: string, partition: number): PartitionIntent {
    this.#ops += 1;
    const k = key(topic, partition);
    const entry = this.#parts.get(k) ?? { paused: false, epoch: 0, next: undefined };
    entry.epoch = this.#ops;
    this.#parts.set(k, entry);
    return entry;
  }

  pause(topic: string, partition: number): void {
    this.#touch(topic, partition).paused = true;
  }

  /** The offset to seek to after the client's resume, when the adapter knows better. */
  resume(topic: string, partition: number): number | undefined {
    const entry = this.#touch(topic, partition);
    entry.paused = false;
    return entry.next;
  }

  /** True when the client should seek now; false when paused (resume() applies it). */
  seek(topic: string, partition: number, offset: number): boolean {
    const entry = this.#touch(topic, partition);
    entry.next = offset;
    return !entry.paused;
  }

  isPaused(topic: string, partition: number): boolean {
    return this.#parts.get(key(topic, partition))?.paused ?? false;
  }

  /** A rebalance assigned or revoked the partition: earlier intent no longer applies. */
  reset(topic: string, partition: number): void {
    this.#ops += 1;
    this.#parts.delete(key(topic, partition));
  }

  judge(topic: string, partition: number, firstOffset: number, fetchStart: number): Verdict {
    const entry = this.#parts.get(key(topic, partition));
    if (!entry) return { deliver: true };
    if (!entry.paused && entry.epoch <= fetchStart) {
      entry.next = undefined;
      return { deliver: true };
    }
    entry.next ??= firstOffset;
    return { deliver: false, seekTo: entry.paused ? undefined : entry.next };
  }
}
