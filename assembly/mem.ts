// Small copies. Payload pieces are short (names, fragments, a record's first fields), and
// memory.copy is a call into the engine that costs more than the copy at these sizes.
//
// copyShort may read up to 15 bytes past src + n and write up to 15 bytes past dst + n. That is
// safe here: writes go forward through one output region that has slack at its end (the bytes past
// dst + n are overwritten by what follows), and every source region is followed by another region.

const SHORT: usize = 64;

export function copyShort(dst: usize, src: usize, n: usize): void {
  if (n > SHORT) {
    memory.copy(dst, src, n);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    v128.store(dst, v128.load(src));
    for (let i: usize = 16; i < n; i += 16) v128.store(dst + i, v128.load(src + i));
  } else {
    store<u64>(dst, load<u64>(src));
    store<u64>(dst, load<u64>(src + 8), 8);
    for (let i: usize = 16; i < n; i += 16) {
      store<u64>(dst + i, load<u64>(src + i));
      store<u64>(dst + i, load<u64>(src + i + 8), 8);
    }
  }
}
