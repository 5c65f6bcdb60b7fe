/**
 * Loads the AssemblyScript encoder (assembly/, built into build/ by `npm run asbuild`) and drives it.
 *
 * Memory: the module allocates nothing; this host owns linear memory from heapBase() up and lays it
 * out as [input | event opening | scratch | output]. Each region has a high-water mark; memory grows
 * only when a batch needs more than any batch before (to 1.5× the need, new pages pre-touched so the
 * page faults happen once, not per batch). A grow detaches every view of the old buffer, so all views
 * are re-created right after it, and growing never happens in the middle of a WASM call: encode()
 * reports OUTPUT_TOO_SMALL / SCRATCH_TOO_SMALL with the exact need, the host grows and calls again.
 *
 * Per batch: one encode() call (two or three only while growing), no per-record JS allocation.
 * `encodeMessages` packs straight into the input region, so message bytes are copied exactly once.
 */
import { readFileSync } from 'node:fs';
import { EncodeError } from '../errors.ts';
import { type EncodeOptions, envelopeCache } from './envelope.ts';
import { HEADER_BYTES, readI64 } from './layout.ts';
import { type DeferredFields, type MessageLike, packInto } from './pack.ts';
import { STATUS, statusError } from './status.ts';
import type { BatchEncoder, EncodeResult, OversizedRecord, Payload } from './types.ts';

export type WasmVariant = 'simd' | 'scalar' | 'debug';

// The few WebAssembly JS-API shapes used here (the project's tsconfig has no DOM lib, which is where
// TypeScript declares them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const FILES: Record<WasmVariant, string> = {
  simd: 'release.wasm',
  scalar: 'scalar.wasm',
  debug: 'debug.wasm',
};

export interface WasmExports {
  memory: WasmMemory;
  encode(
    inPtr: number,
    inLen: number,
    prefixPtr: number,
    prefixLen: number,
    scratchPtr: number,
    scratchCap: number,
    outPtr: number,
    outCap: number,
    maxPayload: number,
    nativeMin: number,
    nativeMax: number,
  ): number;
  base64(dst: number, src: number, n: number): number;
  resultPtr(): number;
  heapBase(): number;
  simd(): number;
}

export function wasmFile(variant: WasmVariant): URL {
  return new URL(`../../build/${FILES[variant]}`, import.meta.url);
}

const compiled = new Map<WasmVariant, WasmModule>();

/** Compiles a variant once per process. Throws if the file is missing (run `npm run asbuild`) or the engine rejects it. */
export function compileWasm(variant: WasmVariant): WasmModule {
  let module = compiled.get(variant);
  if (module === undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(wasmFile(variant));
    } catch (error) {
      throw new Error(`${wasmFile(variant).pathname} is missing: run \`npm run asbuild\``, { cause: error });
    }
    module = new WebAssemblyApi.Module(bytes);
    compiled.set(variant, module);
  }
  return module;
}

/** A fresh instance with its own memory (one per encoder). */
export function instantiateWasm(variant: WasmVariant): WasmExports {
  const instance = new WebAssemblyApi.Instance(compileWasm(variant), {
    env: {
      // Only the debug build imports abort (failed assertions); it must never be reached.
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new EncodeError('ENCODE_FAILED', `encoder assertion failed at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as WasmExports;
}

// Result area words (assembly/layout.ts R_*), as u32 indexes.
const R_DETAIL = 0;
const R_NEED_LO = 1;
const R_NEED_HI = 2;
const R_PAYLOADS = 3;
const R_PAYLOAD_PTR = 4;
const R_OVERSIZED = 5;
const R_OVERSIZED_PTR = 6;
const R_HOLES = 8;
const R_HOLES_PTR = 9;
const PAYLOAD_WORDS = 6;
const OVERSIZED_WORDS = 4;
const PAGE = 65536;
const MAX_MEMORY = 65536 * PAGE;

/**
 * Keys and values whose length is in [min, max] get their base64 from Node's native encoder instead
 * of the module's (the module leaves exact-size holes, filled right after the call). Measured on Node
 * 24 (simdutf, AVX-512): native runs 9-17 GB/s from a few KB up, SIMD128 about 8.5 GB/s, scalar WASM
 * about 3. Native has a fixed cost per call (and one short-lived string per value), so it only pays
 * above `min` (whole batches from messages: SIMD +10% at 3 KB, +55% at 64 KB, -5% at 2 KB; scalar
 * +6% at 400 B); and above about 98 KB V8 allocates the string in large-object space and native drops
 * to about 1 GB/s, hence `max`. `false` keeps everything in WASM.
 */
export interface NativeBase64Range {
  min: number;
  max: number;
}

/** Just under the size whose base64 string (4/3 n + a 16-byte header) exceeds V8's 128 KiB regular objects. */
const NATIVE_MAX = 98_000;
const NATIVE_DEFAULTS: Record<WasmVariant, NativeBase64Range> = {
  simd: { min: 3072, max: NATIVE_MAX },
  debug: { min: 3072, max: NATIVE_MAX },
  scalar: { min: 256, max: NATIVE_MAX },
};

export interface WasmEncoderOptions {
  variant?: WasmVariant;
  /** Bytes of linear memory to reserve and pre-touch up front (default 8 MiB). */
  initialBytes?: number;
  /** Which key/value lengths use Node's native base64 (see NativeBase64Range); default per variant. */
  nativeBase64?: NativeBase64Range | false;
}

const align = (n: number) => Math.ceil(n / 16) * 16;

/** Index of `offset` in the ascending `offsets`, or -1 (holes come in payload order, not batch order). */
function findOffset(offsets: readonly number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return offsets[lo] === offset ? lo : -1;
}

export class WasmEncoder implements BatchEncoder {
  readonly kind: 'wasm-simd' | 'wasm-scalar';
  private readonly wasm: WasmExports;
  private readonly envelope = envelopeCache();
  private readonly heap: number;
  private readonly result: number;
  private readonly nativeMin: number;
  private readonly nativeMax: number;
  // High-water marks of the regions; the layout is derived from them.
  private inputCap: number;
  private prefixCap = 4096;
  private scratchCap: number;
  private outputCap: number;
  private u8: Uint8Array;
  private u32: Uint32Array;
  private inputView: Uint8Array;
  /** Fields encodeMessages left out of the input region (their base64 comes from the originals). */
  private readonly deferred: DeferredFields;
  private deferredActive = false;

  constructor(options: WasmEncoderOptions = {}) {
    const variant = options.variant ?? 'simd';
    this.wasm = instantiateWasm(variant);
    this.kind = this.wasm.simd() === 1 ? 'wasm-simd' : 'wasm-scalar';
    this.heap = align(this.wasm.heapBase() >>> 0);
    this.result = this.wasm.resultPtr() >>> 0;
    // `false` is the empty range [1, 0]: no field qualifies, not even an empty one.
    const native = options.nativeBase64 ?? NATIVE_DEFAULTS[variant];
    this.nativeMin = native === false ? 1 : native.min;
    this.nativeMax = native === false ? 0 : native.max;
    this.deferred = { min: this.nativeMin, max: this.nativeMax, offsets: [], fields: [] };
    const initial = options.initialBytes ?? 8 << 20;
    this.inputCap = align(initial * 0.35);
    this.scratchCap = align(initial * 0.05);
    this.outputCap = align(initial * 0.6);
    this.u8 = new Uint8Array(0);
    this.u32 = new Uint32Array(0);
    this.inputView = this.u8;
    this.reserve();
  }

  private get prefixPtr(): number {
    return this.heap + this.inputCap;
  }
  private get scratchPtr(): number {
    return this.prefixPtr + this.prefixCap;
  }
  private get outputPtr(): number {
    return this.scratchPtr + this.scratchCap;
  }

  /** Grows memory to hold the current layout (with slack), pre-touches new pages, re-creates views. */
  private reserve(): void {
    const memory = this.wasm.memory;
    const need = this.outputPtr + this.outputCap;
    const have = memory.buffer.byteLength;
    if (need > have) {
      try {
        if (need > MAX_MEMORY) throw new RangeError(`${need} bytes needed`);
        memory.grow(Math.ceil((need - have) / PAGE));
      } catch (error) {
        throw new EncodeError('ENCODE_FAILED', 'batch too large for the encoder memory (4 GiB at most)', {
          cause: error,
        });
      }
      new Uint8Array(memory.buffer, have).fill(0);
    }
    this.u8 = new Uint8Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer, this.result, 16);
    this.inputView = this.u8.subarray(this.heap, this.heap + this.inputCap);
  }

  private static grown(need: number): number {
    return align(need * 1.5);
  }

  /**
   * The input region, at least `bytes` long: write a packed batch here (e.g. with packInto) and pass
   * `input(n).subarray(0, n)` to encode() to skip the copy. Valid until the next call on this encoder.
   */
  input(bytes: number): Uint8Array {
    if (bytes > this.inputCap) {
      this.inputCap = WasmEncoder.grown(bytes);
      this.reserve();
    }
    return this.inputView;
  }

  encode(packed: Uint8Array, options: EncodeOptions): EncodeResult {
    const envelope = this.envelope(options);
    const inPlace = packed.buffer === this.wasm.memory.buffer && packed.byteOffset === this.heap;
    if (!inPlace) this.input(packed.length).set(packed);
    this.deferredActive = false;
    return this.run(packed.length, envelope.prefix, envelope.maxPayloadBytes);
  }

  encodeMessages(messages: readonly MessageLike[], options: EncodeOptions): EncodeResult {
    const envelope = this.envelope(options);
    // Fields the module will leave to native base64 are not copied in (see DeferredFields).
    const deferred = this.nativeMax > 0 ? this.deferred : undefined;
    let n = packInto(messages, this.inputView, 0, deferred);
    if (n > this.inputCap) n = packInto(messages, this.input(n), 0, deferred);
    this.deferredActive = deferred !== undefined;
    try {
      return this.run(n, envelope.prefix, envelope.maxPayloadBytes);
    } finally {
      // Do not keep the caller's buffers alive until the next batch.
      this.deferred.fields.length = 0;
    }
  }

  private run(inLen: number, prefix: Uint8Array, cap: number): EncodeResult {
    if (prefix.length > this.prefixCap) {
      this.prefixCap = WasmEncoder.grown(prefix.length);
      this.reserve();
    }
    this.u8.set(prefix, this.prefixPtr);
    for (let attempt = 0; ; attempt++) {
      const status = this.wasm.encode(
        this.heap,
        inLen,
        this.prefixPtr,
        prefix.length,
        this.scratchPtr,
        this.scratchCap,
        this.outputPtr,
        this.outputCap,
        cap,
        this.nativeMin,
        this.nativeMax,
      );
      if (status === STATUS.OK) break;
      const need = (this.u32[R_NEED_LO] as number) + (this.u32[R_NEED_HI] as number) * 4294967296;
      if (status === STATUS.SCRATCH_TOO_SMALL && attempt < 3) {
        this.scratchCap = WasmEncoder.grown(need);
      } else if (status === STATUS.OUTPUT_TOO_SMALL && attempt < 3) {
        this.outputCap = WasmEncoder.grown(need);
      } else {
        throw statusError(status, this.u32[R_DETAIL]);
      }
      this.reserve(); // the input stays put (it is first); the opening must be written again
      this.u8.set(prefix, this.prefixPtr);
    }
    this.fillHoles();
    return this.results();
  }

  /**
   * Native base64 for the keys and values the module left for us (one string per such field), read
   * from the input region, or after encodeMessages from the caller's own buffers.
   */
  private fillHoles(): void {
    const count = this.u32[R_HOLES] as number;
    if (count === 0) return;
    const memory = Buffer.from(this.wasm.memory.buffer);
    const words = new Uint32Array(this.wasm.memory.buffer);
    const { offsets, fields } = this.deferred;
    for (let k = 0, w = (this.u32[R_HOLES_PTR] as number) >>> 2; k < count; k++, w += 3) {
      const inOffset = words[w + 1] as number;
      const n = words[w + 2] as number;
      // Deferred fields come from the caller's buffer; the rest (strings packed as UTF-8, fields
      // outside the deferred range, or any field after encode()) from the input region.
      const index = this.deferredActive ? findOffset(offsets, inOffset) : -1;
      let text: string;
      if (index >= 0) {
        const field = fields[index] as Uint8Array;
        text = Buffer.from(field.buffer, field.byteOffset, n).toString('base64');
      } else {
        const from = this.heap + inOffset;
        text = memory.toString('base64', from, from + n);
      }
      memory.write(text, this.outputPtr + (words[w] as number), 'latin1');
    }
  }

  private results(): EncodeResult {
    const u32 = this.u32;
    const buffer = this.wasm.memory.buffer;
    const out = this.outputPtr;
    const payloads: Payload[] = [];
    const count = u32[R_PAYLOADS] as number;
    let w = (u32[R_PAYLOAD_PTR] as number) >>> 2;
    const words = new Uint32Array(buffer);
    for (let k = 0; k < count; k++, w += PAYLOAD_WORDS) {
      payloads.push({
        bytes: new Uint8Array(buffer, out + (words[w] as number), words[w + 1] as number),
        firstRecord: words[w + 2] as number,
        recordCount: words[w + 3] as number,
      });
    }
    const oversized: OversizedRecord[] = [];
    const overCount = u32[R_OVERSIZED] as number;
    if (overCount > 0) {
      const view = new DataView(buffer);
      w = (u32[R_OVERSIZED_PTR] as number) >>> 2;
      for (let k = 0; k < overCount; k++, w += OVERSIZED_WORDS) {
        const rec = this.heap + (words[w + 1] as number);
        oversized.push({
          index: words[w] as number,
          offset: readI64(view, rec + 8),
          partition: view.getInt32(rec + 4, true),
          topic: this.topicName(view, view.getUint16(rec, true)),
          bytes: (words[w + 2] as number) + (words[w + 3] as number) * 4294967296,
        });
      }
    }
    return { payloads, oversized };
  }

  private topicName(view: DataView, index: number): string {
    let p = this.heap + HEADER_BYTES;
    for (let t = 0; t < index; t++) p += 2 + view.getUint16(p, true);
    const n = view.getUint16(p, true);
    return Buffer.from(view.buffer, p + 2, n).toString('utf8');
  }
}
