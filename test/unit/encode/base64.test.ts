import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantiateWasm, type WasmVariant } from '../../../src/encode/wasm.ts';

// Deterministic pseudo-random bytes (xorshift32).
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

describe('WASM base64 against Buffer.toString("base64")', () => {
  for (const variant of ['simd', 'scalar', 'debug'] as WasmVariant[]) {
    it(`${variant}: every length 0-4096, random and all-0xFF input, at unaligned addresses`, () => {
      const wasm = instantiateWasm(variant);
      wasm.memory.grow(2);
      const heap = wasm.heapBase();
      const mem = new Uint8Array(wasm.memory.buffer);
      for (let n = 0; n <= 4096; n++) {
        for (const input of [bytes(n, n + 1), new Uint8Array(n).fill(0xff)]) {
          const src = heap + (n % 7);
          const dst = heap + 8192 + (n % 5);
          mem.set(input, src);
          const end = wasm.base64(dst, src, n) >>> 0;
          const got = Buffer.from(mem.subarray(dst, end)).toString('latin1');
          assert.equal(got, Buffer.from(input).toString('base64'), `length ${n}`);
        }
      }
    });
  }

  it('simd: random large sizes, and nothing written past the output', () => {
    const wasm = instantiateWasm('simd');
    wasm.memory.grow(40);
    const heap = wasm.heapBase();
    for (const n of [65_535, 100_003, 262_144 + 1]) {
      const mem = new Uint8Array(wasm.memory.buffer);
      const input = bytes(n, n);
      mem.set(input, heap);
      const dst = heap + 300_000;
      const outLen = Math.ceil(n / 3) * 4;
      mem.fill(0xaa, dst, dst + outLen + 64);
      const end = wasm.base64(dst, heap, n) >>> 0;
      assert.equal(end - dst, outLen);
      assert.equal(
        Buffer.from(mem.subarray(dst, end)).toString('latin1'),
        Buffer.from(input).toString('base64'),
      );
      assert.ok(
        mem.subarray(end, end + 64).every((x) => x === 0xaa),
        `length ${n}: bytes past the end untouched`,
      );
    }
  });
});
