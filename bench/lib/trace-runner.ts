/**
 * Where a bridge's wall time goes (diagnostics behind docs/benchmarks.md, not part of bench:e2e): runs
 * the real bridge in this process (startBridge, real Kafka, Redis and local no-op function) on a fresh
 * topic, and times each stage by wrapping prototypes from outside — src/ is not changed:
 *
 *   node bench/lib/trace-runner.ts [records=200000] [native|binding]
 *
 * Prints per-stage latencies (poll with and without records, submit, processor, commit, cleanup),
 * how long a partition waits between a settled batch and its next dispatch, how long after a
 * resume() the partition's next records arrive, and peak memory. KLB_TRACE_EXP selects what-if
 * variants of the runner, patched in at run time (comma-separated):
 *   gate   no pause at 2 batches: skip polling while every owned partition already holds ≥ 2 batches,
 *          pause only a partition holding ≥ 8 batches (resume at ≤ 1);
 *   async  dispatch the next batch as soon as the job completed: commit (chained, in order) and
 *          cleanup continue in the background.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker as BullWorker } from 'bullmq';
import { loadConfig } from '../../src/config/load.ts';
import { Dispatcher } from '../../src/dispatch/dispatcher.ts';
import { BindingBatchConsumer } from '../../src/kafka/binding-consumer.ts';
import type { RawBatch, TopicPartition } from '../../src/kafka/consumer.ts';
import { NativeBatchConsumer } from '../../src/kafka/native-consumer.ts';
import { createLogger } from '../../src/log.ts';
import { startBridge } from '../../src/main.ts';
import { MappingRunner } from '../../src/runtime/mapping-runner.ts';
import { dropRedisPrefix, FUNCTIONS_DIR } from './bridge.ts';
import { BenchAdmin, BOOTSTRAP, produceBulk, watchCommits } from './kafka.ts';

process.stdout.on('error', () => undefined); // `| head` must not kill the run before it cleans up
const TOTAL = Number(process.argv[2] ?? 200_000);
const KIND = (process.argv[3] ?? 'native') as 'native' | 'binding';
const EXP = new Set((process.env.KLB_TRACE_EXP ?? '').split(',').filter(Boolean));

// ---- the runner's private state, as far as this file reads it ----
interface PartState {
  buffer: { count: number; partition: number };
  inFlight: unknown;
  paused: boolean;
}
interface RunnerInternals {
  parts: Map<number, PartState>;
  mapping: { topic: string; batchSize: number };
  deps: { consumer: { pause(p: TopicPartition[]): void; resume(p: TopicPartition[]): void } };
  maybeDispatch(partition: number, st: PartState): void;
  settled(partition: number, st: PartState, inFlight: unknown, result: unknown): Promise<void>;
  applyBackpressure(partition: number, st: PartState): void;
  start(): Promise<void>;
}
type Method = (...args: never[]) => unknown;
type Patchable = Record<string, Method>;

const samples = new Map<string, number[]>();
const rec = (name: string, value: number) => {
  const list = samples.get(name) ?? [];
  list.push(value);
  samples.set(name, list);
};

/** Times every call of proto[name] (to settlement when it returns a promise). */
function time(proto: object, name: string, label = name): void {
  const p = proto as Patchable;
  const orig = p[name] as Method;
  p[name] = function (this: unknown, ...args: never[]) {
    const t = performance.now();
    const out = orig.apply(this, args);
    if (out instanceof Promise) return out.finally(() => rec(label, performance.now() - t));
    rec(label, performance.now() - t);
    return out;
  };
}

const Consumer = KIND === 'native' ? NativeBatchConsumer : BindingBatchConsumer;
time(Dispatcher.prototype, 'submit', 'submit (payload SET + job add)');
time(BullWorker.prototype, 'callProcessJob', 'processor (invoke local function)');
time(Consumer.prototype, 'commit');
time(Dispatcher.prototype, 'cleanup', 'cleanup (job remove + payload DEL)');

const runnerProto = MappingRunner.prototype as unknown as RunnerInternals;
let runner: RunnerInternals | undefined;
const bufferedEverywhere = (batches: number) => {
  if (!runner || runner.parts.size === 0) return false;
  for (const st of runner.parts.values())
    if (st.buffer.count < batches * runner.mapping.batchSize) return false;
  return true;
};

{
  const start = runnerProto.start;
  runnerProto.start = function (this: RunnerInternals) {
    runner = this;
    return start.call(this);
  };
  // After a settle that could not dispatch at once: how long until the partition's next dispatch.
  const idleSince = new Map<number, number>();
  const maybeDispatch = runnerProto.maybeDispatch;
  runnerProto.maybeDispatch = function (this: RunnerInternals, partition, st) {
    const before = st.inFlight;
    maybeDispatch.call(this, partition, st);
    const since = idleSince.get(partition);
    if (!before && st.inFlight && since !== undefined) {
      rec('partition idle: settled → next dispatch', performance.now() - since);
      idleSince.delete(partition);
    }
  };
  const settled = runnerProto.settled;
  runnerProto.settled = async function (this: RunnerInternals, partition, st, inFlight, result) {
    await settled.call(this, partition, st, inFlight, result);
    rec('records buffered after a settle', st.buffer.count);
    if (!st.inFlight) idleSince.set(partition, performance.now());
  };
}

// resume() → the partition's next records: how long a resumed partition goes without data.
const resumedAt = new Map<number, number>();
{
  const proto = Consumer.prototype as unknown as Patchable;
  const resume = proto.resume as (p: TopicPartition[]) => void;
  const pause = proto.pause as (p: TopicPartition[]) => void;
  proto.resume = function (this: unknown, parts: TopicPartition[]) {
    for (const p of parts) resumedAt.set(p.partition, performance.now());
    return resume.call(this, parts);
  } as Method;
  proto.pause = function (this: unknown, parts: TopicPartition[]) {
    rec('pause() calls', parts.length);
    return pause.call(this, parts);
  } as Method;
  const poll = proto.poll as (max: number, timeout: number) => Promise<RawBatch[]>;
  proto.poll = async function (this: unknown, max: number, timeout: number) {
    const end = performance.now() + timeout;
    if (EXP.has('gate')) {
      // Backpressure without pause(): wait while every owned partition already holds two batches.
      while (bufferedEverywhere(2) && performance.now() < end) await new Promise((r) => setTimeout(r, 2));
      if (bufferedEverywhere(2)) return [];
    }
    const t = performance.now();
    const batches = await poll.call(this, max, Math.max(1, Math.round(end - performance.now())));
    const n = batches.reduce((a, b) => a + b.count, 0);
    rec(n === 0 ? 'poll → nothing (ms)' : 'poll → records (ms)', performance.now() - t);
    if (n > 0) rec('records per poll', n);
    for (const b of batches) {
      const at = resumedAt.get(b.partition);
      if (at !== undefined) rec('resume() → next records of that partition', performance.now() - at);
      resumedAt.delete(b.partition);
    }
    return batches;
  } as Method;
  if (EXP.has('async')) {
    const commit = proto.commit as (o: unknown) => Promise<void>;
    let chain: Promise<unknown> = Promise.resolve();
    proto.commit = function (this: unknown, offsets: unknown) {
      chain = chain.then(() => commit.call(this, offsets)).catch(() => undefined);
      return Promise.resolve();
    } as Method;
    const d = Dispatcher.prototype as unknown as Patchable;
    const cleanup = d.cleanup as (...a: unknown[]) => Promise<void>;
    d.cleanup = function (this: unknown, ...args: unknown[]) {
      void cleanup.apply(this, args).catch(() => undefined);
      return Promise.resolve();
    } as Method;
  }
}
if (EXP.has('gate')) {
  runnerProto.applyBackpressure = function (this: RunnerInternals, partition, st) {
    const b = this.mapping.batchSize;
    const tp = [{ topic: this.mapping.topic, partition }];
    if (!st.paused && st.buffer.count >= 8 * b) {
      st.paused = true;
      this.deps.consumer.pause(tp);
    } else if (st.paused && st.buffer.count <= b) {
      st.paused = false;
      this.deps.consumer.resume(tp);
    }
  };
}
const admin = await BenchAdmin.connect();
const topic = `klb-bench-trace-${Date.now().toString(36)}`;
await admin.createTopic(topic, 8);
await produceBulk(topic, TOTAL);
const ends = await admin.endOffsets(topic);
const uuid = randomUUID();
const prefix = `klbbench-trace-${Date.now().toString(36)}`;
const config = loadConfig(
  {},
  {
    redisPrefix: prefix,
    admin: { host: '127.0.0.1', port: 0, open: true },
    functionsDir: FUNCTIONS_DIR,
    consumer: KIND,
    mappings: [
      {
        UUID: uuid,
        FunctionName: 'noop',
        Topics: [topic],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1000,
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
      },
    ],
  },
);
const memMax: Record<string, number> = {};
const memTimer = setInterval(() => {
  for (const [k, v] of Object.entries(process.memoryUsage()))
    memMax[k] = Math.max(memMax[k] ?? 0, v / 2 ** 20);
}, 50);
const t0 = Date.now();
const cpu0 = process.cpuUsage();
const bridge = await startBridge(config, createLogger('klb', { level: 'warn' }));
try {
  const w = await watchCommits(admin, uuid, topic, ends);
  const cpu = process.cpuUsage(cpu0);
  clearInterval(memTimer);
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  const steady = Math.round((TOTAL - w.firstCount) / ((w.doneAt - w.firstAt) / 1000));
  process.stdout.write(
    `${KIND} bridge, ${TOTAL} records, variant [${[...EXP].join(',') || 'as built'}]: ${steady} records/s steady, ` +
      `wall ${((w.doneAt - t0) / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (this process)\n`,
  );
  process.stdout.write(
    `memory peak MiB: VmHWM ${hwm.toFixed(0)}, ${Object.entries(memMax)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ')}\n`,
  );
  process.stdout.write('| stage | n | mean | p50 | p90 | max |\n|---|---:|---:|---:|---:|---:|\n');
  for (const [name, list] of samples) {
    list.sort((a, b) => a - b);
    const q = (p: number) => (list[Math.min(list.length - 1, Math.floor(p * list.length))] ?? 0).toFixed(1);
    const mean = (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1);
    process.stdout.write(`| ${name} | ${list.length} | ${mean} | ${q(0.5)} | ${q(0.9)} | ${q(1)} |\n`);
  }
} finally {
  await bridge.close();
  await admin.deleteTopics([topic]);
  await admin.disconnect();
  await dropRedisPrefix(prefix);
}
process.exit(0);
