/**
 * FilterCriteria applied to a packed batch, pure: the records whose value the predicate keeps, as one
 * packed batch (contiguous runs joined, copied once), or undefined when none is kept.
 */
import { readPacked, recordValue } from '../encode/reader.ts';
import type { PackedOps } from './partition-buffer.ts';

export function keepMatching(
  data: Uint8Array,
  keep: (value: Uint8Array | null) => boolean,
  ops: Pick<PackedOps, 'join'>,
): { kept: Uint8Array | undefined; dropped: number } {
  const batch = readPacked(data);
  const runs: Array<[number, number]> = [];
  let keptCount = 0;
  for (let i = 0; i < batch.recordCount; i += 1) {
    if (!keep(recordValue(batch, i))) continue;
    keptCount += 1;
    const last = runs[runs.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  const dropped = batch.recordCount - keptCount;
  if (keptCount === 0) return { kept: undefined, dropped };
  if (dropped === 0) return { kept: data, dropped };
  return { kept: ops.join(runs.map(([from, to]) => ({ data, from, to }))), dropped };
}
