import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createEncoder,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type MessageLike,
  pack,
  packInto,
} from '../../../src/encode/index.ts';
import { referenceEncode } from '../../../src/encode/reference.ts';
import type { BatchEncoder } from '../../../src/encode/types.ts';
import { WasmEncoder } from '../../../src/encode/wasm.ts';
import { MSK, owned, texts } from './helpers.ts';

function batchOf(count: number, valueBytes: number | number[]): MessageLike[] {
  const size = (i: number) =>
    typeof valueBytes === 'number' ? valueBytes : (valueBytes[i % valueBytes.length] as number);
  return Array.from({ length: count }, (_, i) => ({
    topic: 'orders',
    partition: i % 3,
    offset: 1000 + i,
    timestamp: 1767225600000 + i,
    timestampType: 1 as const,
    key: Buffer.from(`key-${i}`),
    value: Buffer.alloc(size(i), i & 0xff),
    headers: [{ 'trace-id': Buffer.from(`t${i}`) }],
  }));
}

describe('WASM loader', () => {
  it('grows memory for a batch larger than anything before and keeps giving the reference bytes', () => {
    // Value sizes on both sides of the default native-base64 range (3,072 or 256 to 98,000 bytes).
    const sizes = [10, 255, 256, 3071, 3072, 5000, 50_000, 98_000, 98_001, 150_000];
    for (const variant of ['simd', 'scalar'] as const) {
      const encoder = new WasmEncoder({ variant, initialBytes: 1 << 16 });
      const small = pack(batchOf(3, 10));
      const large = pack(batchOf(40, sizes));
      for (const packed of [small, large, small, large]) {
        const result = encoder.encode(packed, MSK);
        assert.deepEqual(texts(result), texts(referenceEncode(packed, MSK)), variant);
        // Views are created after the last grow: never detached.
        for (const p of result.payloads) assert.ok(p.bytes.byteLength > 0 && p.bytes.buffer.byteLength > 0);
      }
    }
  });

  it('encodes a batch written straight into its input region without copying it', () => {
    const encoder = new WasmEncoder({ initialBytes: 1 << 16 });
    const messages = batchOf(50, 2000);
    const size = packInto(messages, new Uint8Array(0));
    const region = encoder.input(size);
    assert.equal(packInto(messages, region), size);
    const inPlace = owned(encoder.encode(region.subarray(0, size), MSK));
    assert.deepEqual(texts(inPlace), texts(referenceEncode(pack(messages), MSK)));
  });

  it('splits a batch bigger than 6 MB into payloads within the default cap', () => {
    const encoder = new WasmEncoder();
    const packed = pack(batchOf(5000, 1024));
    const result = owned(encoder.encode(packed, MSK));
    assert.ok(result.payloads.length >= 2);
    for (const p of result.payloads) assert.ok(p.bytes.length <= DEFAULT_MAX_PAYLOAD_BYTES);
    assert.equal(
      result.payloads.reduce((n, p) => n + p.recordCount, 0),
      5000,
    );
    assert.deepEqual(texts(result), texts(referenceEncode(packed, MSK)));
  });
});

describe('createEncoder', () => {
  const lines: string[] = [];
  const logger = { info: (msg: string) => void lines.push(msg) };

  it('picks WASM SIMD when the engine runs it, and says so in one log line', () => {
    lines.length = 0;
    // The runtime holds it as Pick<BatchEncoder, 'encode'> (src/runtime/mapping-runner.ts).
    const encoder: Pick<BatchEncoder, 'encode' | 'kind'> = createEncoder({ logger });
    assert.equal(encoder.kind, 'wasm-simd');
    assert.deepEqual(lines, ['event encoder: wasm-simd (WebAssembly SIMD128 and relaxed SIMD available)']);
  });

  it('falls back to the scalar build, then to the JS writer, saying why', () => {
    lines.length = 0;
    const noSimd = createEncoder({
      logger,
      loadWasm: (variant) => {
        if (variant === 'simd') throw new Error('simd opcode not available');
        return new WasmEncoder({ variant });
      },
    });
    assert.equal(noSimd.kind, 'wasm-scalar');
    const noWasm = createEncoder({
      logger,
      loadWasm: () => {
        throw new Error('WebAssembly is not defined');
      },
    });
    assert.equal(noWasm.kind, 'js');
    assert.deepEqual(lines, [
      'event encoder: wasm-scalar (SIMD build unusable: simd opcode not available)',
      'event encoder: js (WebAssembly unusable: WebAssembly is not defined)',
    ]);
  });

  it('honours an explicit preference', () => {
    assert.equal(createEncoder({ prefer: 'wasm-scalar' }).kind, 'wasm-scalar');
    assert.equal(createEncoder({ prefer: 'js' }).kind, 'js');
  });
});
