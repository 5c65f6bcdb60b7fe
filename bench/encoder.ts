/**
 * Event encoder benchmark: WASM (SIMD and scalar) against the tuned JS writer and the plain-JS
 * reference encoder, all in this process on the same batches.
 *
 * Headline ("from messages"): message objects shaped like @confluentinc/kafka-javascript's → pack →
 * send-ready payload bytes (a view, as the runtime sends it). The reference builds its objects from
 * the messages directly (the idiomatic path: objects, JSON.stringify, Buffer.from).
 * Kernel: the packed batch is ready (for WASM: already in linear memory) → payload bytes.
 *
 * Each figure is a median over rounds that time every encoder in turn (so all see the same load on a
 * shared machine), after a warm-up, with the iteration count per sample calibrated.
 * Run: npm run bench:encoder [-- case names | sweep]   (needs `npm run asbuild` first).
 * Last line: RESULT {json}.
 */
import { type EncodeOptions, type MessageLike, packInto } from '../src/encode/index.ts';
import { JsWriterEncoder } from '../src/encode/js-writer.ts';
import { referenceEncode, referenceEncodeMessages } from '../src/encode/reference.ts';
import type { EncodeResult } from '../src/encode/types.ts';
import { WasmEncoder } from '../src/encode/wasm.ts';

interface Case {
  name: string;
  records: number;
  valueBytes: number;
}

const CASES: Case[] = [
  { name: '1000x100B', records: 1000, valueBytes: 100 },
  { name: '1000x1KB', records: 1000, valueBytes: 1024 },
  { name: '1000x10KB', records: 1000, valueBytes: 10240 },
  { name: '10000x1KB', records: 10000, valueBytes: 1024 },
  { name: '1000x100KB', records: 1000, valueBytes: 102400 },
];

const OPTIONS: EncodeOptions = {
  eventSource: 'aws:kafka',
  eventSourceArn:
    'arn:aws:kafka:eu-west-1:111122223333:cluster/orders/6c1f0a3e-1b2c-4d5e-8f90-123456789abc-2',
  bootstrapServers:
    'b-1.orders.kafka.eu-west-1.amazonaws.com:9098,b-2.orders.kafka.eu-west-1.amazonaws.com:9098',
  maxPayloadBytes: 6_291_456,
};

// Deterministic pseudo-random bytes (xorshift32), so runs are comparable.
let seed = 0x9e3779b9;
function randomBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    b[i] = seed & 0xff;
  }
  return b;
}

/** 20 B keys, 2 headers (content-type 16 B, trace-id 16 random bytes), 3 partitions interleaved. */
function makeMessages(c: Case): { messages: MessageLike[]; rawBytes: number } {
  const messages: MessageLike[] = [];
  const contentType = Buffer.from('application/json');
  const nextOffset = [1_000_000, 2_000_000, 3_000_000];
  let rawBytes = 0;
  for (let i = 0; i < c.records; i++) {
    const partition = i % 3;
    const offset = nextOffset[partition] as number;
    nextOffset[partition] = offset + 1;
    const m = {
      topic: 'orders.v1-events',
      partition,
      offset,
      timestamp: 1_767_225_600_000 + i,
      timestampType: 1 as const,
      key: randomBytes(20),
      value: randomBytes(c.valueBytes),
      headers: [{ 'content-type': contentType }, { 'trace-id': randomBytes(16) }],
    };
    rawBytes += 20 + c.valueBytes + 'content-type'.length + 16 + 'trace-id'.length + 16;
    messages.push(m);
  }
  return { messages, rawBytes };
}

let sink = 0;
function consume(r: EncodeResult): void {
  for (const p of r.payloads) sink ^= p.bytes.length ^ (p.bytes[p.bytes.length >> 1] as number);
}

/**
 * Median ms per call for each function, measured in interleaved rounds: each round times every
 * function once (a sample of ~sampleMs, iteration count calibrated per function after a warm-up), so
 * all of them see the same machine load; a shared, noisy machine then moves ratios much less.
 */
function measureAll(fns: (() => void)[], sampleMs: number, rounds: number): number[] {
  const iterations = fns.map((fn) => {
    const warmEnd = performance.now() + sampleMs * 2;
    let calls = 0;
    while (performance.now() < warmEnd || calls < 2) {
      fn();
      calls++;
    }
    const t = performance.now();
    fn();
    return Math.max(1, Math.round(sampleMs / Math.max(performance.now() - t, 0.001)));
  });
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, j) => {
      const n = iterations[j] as number;
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      (times[j] as number[]).push((performance.now() - t) / n);
    });
  }
  return times.map((list) => {
    list.sort((a, b) => a - b);
    return list[list.length >> 1] as number;
  });
}

interface Row {
  name: string;
  rawBytes: number;
  payloads: number;
  wasm: number;
  scalar: number;
  tuned: number;
  reference: number;
  kernelWasm: number;
  kernelTuned: number;
  kernelReference: number;
}

function sameBytes(a: EncodeResult, b: EncodeResult): boolean {
  return (
    a.payloads.length === b.payloads.length &&
    a.payloads.every((p, i) =>
      Buffer.from(p.bytes).equals(Buffer.from((b.payloads[i] as { bytes: Uint8Array }).bytes)),
    )
  );
}

/** WASM against the tuned JS writer across value sizes, ~4 MB of raw bytes per batch (from messages). */
const SWEEP_SIZES = [100, 300, 1024, 3000, 10240, 30000, 65536, 102400];

function sweep(simd: WasmEncoder, tuned: JsWriterEncoder): void {
  console.log('Size sweep, from messages, ~4 MB raw per batch: WASM SIMD vs tuned JS writer');
  const rows: string[][] = [];
  for (const valueBytes of SWEEP_SIZES) {
    const records = Math.max(40, Math.min(4000, Math.round(4e6 / valueBytes)));
    const { messages, rawBytes } = makeMessages({ name: '', records, valueBytes });
    const [w, t] = measureAll(
      [
        () => consume(simd.encodeMessages(messages, OPTIONS)),
        () => consume(tuned.encodeMessages(messages, OPTIONS)),
      ],
      30,
      15,
    ) as [number, number];
    rows.push([`${records}x${valueBytes}B`, fmt(w, 3), fmt(t, 3), fmt(mbps(rawBytes, w), 0), fmt(t / w, 2)]);
  }
  printTable(['case', 'wasm ms', 'tuned ms', 'wasm raw MB/s', 'x tuned'], rows);
}

function run(): void {
  const simd = new WasmEncoder({ variant: 'simd', initialBytes: 64 << 20 });
  const scalar = new WasmEncoder({ variant: 'scalar', initialBytes: 64 << 20 });
  const tuned = new JsWriterEncoder();
  const rows: Row[] = [];
  const only = process.argv.slice(2);
  for (const c of CASES.filter((k) => only.length === 0 || only.includes(k.name))) {
    const { messages, rawBytes } = makeMessages(c);
    const packedSize = packInto(messages, new Uint8Array(0));
    const packed = new Uint8Array(packedSize);
    packInto(messages, packed);
    // Correctness before timing: every encoder gives the reference's bytes.
    const expected = referenceEncode(packed, OPTIONS);
    for (const [label, result] of [
      ['wasm', simd.encodeMessages(messages, OPTIONS)],
      ['scalar', scalar.encodeMessages(messages, OPTIONS)],
      ['tuned', tuned.encodeMessages(messages, OPTIONS)],
      ['reference(messages)', referenceEncodeMessages(messages, OPTIONS)],
    ] as const) {
      if (!sameBytes(result, expected))
        throw new Error(`${label} output differs from the reference for ${c.name}`);
    }
    const big = rawBytes > 50e6;
    const inWasm = simd.input(packedSize).subarray(0, packedSize);
    inWasm.set(packed);
    const [wasm, scalarMs, tunedMs, reference, kernelWasm, kernelTuned, kernelReference] = measureAll(
      [
        () => consume(simd.encodeMessages(messages, OPTIONS)),
        () => consume(scalar.encodeMessages(messages, OPTIONS)),
        () => consume(tuned.encodeMessages(messages, OPTIONS)),
        () => consume(referenceEncodeMessages(messages, OPTIONS)),
        () => consume(simd.encode(inWasm, OPTIONS)),
        () => consume(tuned.encode(packed, OPTIONS)),
        () => consume(referenceEncode(packed, OPTIONS)),
      ],
      big ? 150 : 40,
      big ? 3 : 9,
    ) as [number, number, number, number, number, number, number];
    const row: Row = {
      name: c.name,
      rawBytes,
      payloads: expected.payloads.length,
      wasm,
      scalar: scalarMs,
      tuned: tunedMs,
      reference,
      kernelWasm,
      kernelTuned,
      kernelReference,
    };
    rows.push(row);
    process.stderr.write(`  measured ${c.name}\n`);
  }
  if (only.length === 0 || only.includes('sweep')) sweep(simd, tuned);
  print(rows);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1e3);

function print(rows: Row[]): void {
  console.log(`Node ${process.version}, ${process.arch}; ms per batch, medians (sink ${sink & 1})`);
  console.log('From message objects to send-ready bytes (pack + encode):');
  const head = [
    'case',
    'payloads',
    'wasm ms',
    'scalar ms',
    'tuned ms',
    'reference ms',
    'wasm raw MB/s',
    'x ref',
    'x tuned',
  ];
  const table = rows.map((r) => [
    r.name,
    String(r.payloads),
    fmt(r.wasm, 3),
    fmt(r.scalar, 3),
    fmt(r.tuned, 3),
    fmt(r.reference, 3),
    fmt(mbps(r.rawBytes, r.wasm), 0),
    fmt(r.reference / r.wasm, 1),
    fmt(r.tuned / r.wasm, 2),
  ]);
  printTable(head, table);
  console.log('Kernel only (packed batch ready; WASM input already in linear memory):');
  printTable(
    ['case', 'wasm ms', 'tuned ms', 'reference ms', 'wasm raw MB/s', 'x ref', 'x tuned'],
    rows.map((r) => [
      r.name,
      fmt(r.kernelWasm, 3),
      fmt(r.kernelTuned, 3),
      fmt(r.kernelReference, 3),
      fmt(mbps(r.rawBytes, r.kernelWasm), 0),
      fmt(r.kernelReference / r.kernelWasm, 1),
      fmt(r.kernelTuned / r.kernelWasm, 2),
    ]),
  );
  const result = {
    cases: rows.map((r) => ({
      name: r.name,
      wasm_ms: Number(fmt(r.wasm, 4)),
      reference_ms: Number(fmt(r.reference, 4)),
      tuned_ms: Number(fmt(r.tuned, 4)),
      raw_MBps: Number(fmt(mbps(r.rawBytes, r.wasm), 1)),
      scalar_ms: Number(fmt(r.scalar, 4)),
      kernel_wasm_ms: Number(fmt(r.kernelWasm, 4)),
      kernel_tuned_ms: Number(fmt(r.kernelTuned, 4)),
      kernel_reference_ms: Number(fmt(r.kernelReference, 4)),
      payloads: r.payloads,
    })),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

run();
