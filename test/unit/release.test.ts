import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseBuffer } from '../../src/release.ts';

describe('releaseBuffer', () => {
  it('frees a large buffer that spans its whole ArrayBuffer (it reads as empty afterwards)', () => {
    const bytes = new Uint8Array(1 << 20).fill(7);
    releaseBuffer(bytes);
    assert.equal(bytes.byteLength, 0);
    assert.equal(bytes.buffer.byteLength, 0);
  });

  it('leaves views of part of a buffer, small buffers and pooled Buffers alone', () => {
    const whole = new Uint8Array(1 << 20);
    const part = whole.subarray(16);
    releaseBuffer(part);
    assert.equal(part.byteLength, (1 << 20) - 16);
    const small = new Uint8Array(1024);
    releaseBuffer(small);
    assert.equal(small.byteLength, 1024);
    const pooled = Buffer.from('pooled');
    releaseBuffer(pooled);
    assert.equal(pooled.toString(), 'pooled');
    releaseBuffer(undefined);
  });

  it('leaves memory it cannot detach alone (WebAssembly memory)', () => {
    const { WebAssembly: wasm } = globalThis as unknown as {
      WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } };
    };
    const memory = new wasm.Memory({ initial: 2 });
    const view = new Uint8Array(memory.buffer);
    releaseBuffer(view);
    assert.equal(view.byteLength, 2 * 65536);
  });
});
