/**
 * Drain benchmark: how fast each consumer empties a topic of 8 partitions × 125,000 records
 * (16 B keys, 1 KB values, 2 headers), each with a fresh consumer group, from subscribe to the last
 * record. The Node consumers commit explicit offsets after every batch (awaited; the next poll is
 * already in flight, as the bridge does it). Time runs from before connect (group join included) to the
 * arrival of the last record; leaving the group afterwards is not part of a drain. Run: npm run bench:drain (needs the local broker and
 * native/kafka-lambda-bridge.node). The topic is produced once with kcat and reused.
 *
 * Last line: RESULT {"native_rps":…,"binding_rps":…,"kcat_rps":…,"ratio":…}, ratio = native/binding.
 */
import { spawn } from 'node:child_process';
import Kafka from '@confluentinc/kafka-javascript';
import { BindingBatchConsumer } from '../src/kafka/binding-consumer.ts';
import type { BatchConsumer, TopicPartitionOffset } from '../src/kafka/consumer.ts';
import { loadNativeAddon, NativeBatchConsumer } from '../src/kafka/native-consumer.ts';
import { silentLogger } from '../src/log.ts';
import { createTopic, endOffsets } from '../test/helpers/kafka.ts';
import { LOCAL_KAFKA } from '../tools/services/paths.ts';

const BOOTSTRAP = LOCAL_KAFKA.plaintext;
const PARTITIONS = 8;
const TOTAL = 1_000_000;
const TOPIC = 'klb-bench-drain-8p-1m-v1';
const BATCH = 10_000;

interface Run {
  name: string;
  records: number;
  seconds: number;
  cpuSeconds?: number | undefined;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const group = (name: string) => `klb-bench-${name}-${Date.now().toString(36)}`;

async function ensureTopic(): Promise<void> {
  const have = await endOffsets(TOPIC).catch(() => new Map<number, number>());
  const sum = [...have.values()].reduce((a, b) => a + b, 0);
  if (have.size === PARTITIONS && sum === TOTAL) {
    say(`topic ${TOPIC}: ${TOTAL} records already there`);
    return;
  }
  if (have.size > 0) throw new Error(`${TOPIC} holds ${sum} records, not ${TOTAL}: delete it and run again`);
  await createTopic(TOPIC, PARTITIONS);
  say(`producing ${TOTAL} records × 1 KB to ${TOPIC} with kcat …`);
  const started = performance.now();
  const kcat = spawn(
    'kcat',
    ['-P', '-b', BOOTSTRAP, '-t', TOPIC, '-K', '\t', '-H', 'h1=header-one', '-H', 'h2=header-two'].concat([
      '-X',
      'linger.ms=20',
      '-X',
      'batch.num.messages=10000',
      '-X',
      'queue.buffering.max.kbytes=262144',
    ]),
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  const value = 'x'.repeat(1024 - 8);
  const chunk: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    // 16-byte key; the default partitioner spreads the keys over the 8 partitions.
    chunk.push(`key-${String(i).padStart(12, '0')}\t${String(i).padStart(8, '0')}${value}\n`);
    if (chunk.length === 1000) {
      if (!kcat.stdin.write(chunk.join(''))) await new Promise((r) => kcat.stdin.once('drain', r));
      chunk.length = 0;
    }
  }
  kcat.stdin.end(chunk.join(''));
  const code = await new Promise<number | null>((r) => kcat.on('close', r));
  if (code !== 0) throw new Error(`kcat -P exited with ${code}`);
  say(`produced in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

interface Drained {
  records: number;
  /** performance.now() when the last record arrived: leaving the group afterwards is not draining. */
  lastAt: number;
  cpuSeconds?: number;
}

/** Times from before connect (so the group join counts) to the last record. */
async function timed(name: string, body: () => Promise<Drained>): Promise<Run> {
  const started = performance.now();
  const { records, lastAt, cpuSeconds } = await body();
  return { name, records, seconds: (lastAt - started) / 1000, cpuSeconds };
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** A BatchConsumer drain: poll N+1 is in flight while batch N's offsets are committed. */
async function drainAdapter(consumer: BatchConsumer): Promise<Drained> {
  const cpu = process.cpuUsage();
  await consumer.connect();
  consumer.subscribe([TOPIC]);
  let seen = 0;
  let next = consumer.poll(BATCH, 500);
  while (seen < TOTAL) {
    const batches = await next;
    next = consumer.poll(BATCH, 500);
    const offsets: TopicPartitionOffset[] = [];
    for (const b of batches) {
      seen += b.count;
      offsets.push({ topic: b.topic, partition: b.partition, offset: b.lastOffset + 1 });
    }
    if (offsets.length > 0) await consumer.commit(offsets);
  }
  const drained = { records: seen, lastAt: performance.now(), cpuSeconds: cpuSince(cpu) };
  await next.catch(() => undefined);
  await consumer.disconnect();
  return drained;
}

const listener = { onRebalance: () => undefined, onError: () => undefined };
const config = (name: string) => ({
  'bootstrap.servers': BOOTSTRAP,
  'group.id': group(name),
  'auto.offset.reset': 'earliest',
});

interface RawMessage {
  partition: number;
  offset: number;
}

/** The binding's bare consume(n) with the measured settings, commit per batch: the baseline. */
async function drainBindingBare(): Promise<Drained> {
  const cpu = process.cpuUsage();
  const { 'auto.offset.reset': reset, ...global } = config('binding');
  const Ctor = (Kafka as unknown as { KafkaConsumer: new (g: object, t: object) => BareConsumer })
    .KafkaConsumer;
  const c = new Ctor(
    {
      ...global,
      'enable.auto.commit': false,
      'fetch.queue.backoff.ms': 10,
      'queued.max.messages.kbytes': 16384,
    },
    { 'auto.offset.reset': reset },
  );
  await new Promise((res, rej) => c.connect({ timeout: 10_000 }, (err) => (err ? rej(err) : res(undefined))));
  c.setDefaultConsumeTimeout(500);
  // Return what is there once a first record came (as the adapter does), not wait 500 ms for 10,000.
  c.setDefaultIsTimeoutOnlyForFirstMessage(true);
  c.subscribe([TOPIC]);
  const consume = () =>
    new Promise<RawMessage[]>((res, rej) => c.consume(BATCH, (err, m) => (err ? rej(err) : res(m))));
  let seen = 0;
  let next = consume();
  while (seen < TOTAL) {
    const messages = await next;
    next = consume();
    const last = new Map<number, number>();
    for (const m of messages) last.set(m.partition, m.offset);
    seen += messages.length;
    const offsets = [...last].map(([partition, offset]) => ({ topic: TOPIC, partition, offset: offset + 1 }));
    if (offsets.length > 0)
      await new Promise<void>((res, rej) => c.commitCb(offsets, (e) => (e ? rej(e) : res())));
  }
  const drained = { records: seen, lastAt: performance.now(), cpuSeconds: cpuSince(cpu) };
  await next.catch(() => undefined);
  await new Promise<void>((r) => c.disconnect(() => r()));
  return drained;
}

interface BareConsumer {
  connect(o: object, cb: (err: unknown) => void): void;
  subscribe(t: string[]): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  consume(n: number, cb: (err: unknown, m: RawMessage[]) => void): void;
  commitCb(o: TopicPartitionOffset[], cb: (err: unknown) => void): void;
  disconnect(cb: () => void): void;
}

/**
 * kcat's balanced consumer (-G, fresh group, auto-commit), one newline per record, counted here.
 * Timed to the last record too; kcat's process start and join are inside the measurement.
 */
async function drainKcat(): Promise<Drained> {
  const args = ['-C', '-b', BOOTSTRAP, '-G', group('kcat'), '-X', 'auto.offset.reset=earliest', '-e', '-q'];
  const kcat = spawn('kcat', [...args, '-f', '\\n', TOPIC], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lines = 0;
  let lastAt = 0;
  kcat.stdout.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    lastAt = performance.now();
  });
  const code = await new Promise<number | null>((r) => kcat.on('close', r));
  if (code !== 0) throw new Error(`kcat -C exited with ${code}`);
  return { records: lines, lastAt };
}

function row(r: Run): string {
  const rps = Math.round(r.records / r.seconds);
  const cpu = r.cpuSeconds === undefined ? ' | –' : ` | ${r.cpuSeconds.toFixed(1)} s`;
  return `| ${r.name.padEnd(38)} | ${String(r.records).padStart(9)} | ${r.seconds.toFixed(2).padStart(7)} s | ${String(rps).padStart(9)}${cpu} |`;
}

async function main(): Promise<void> {
  const addon = loadNativeAddon();
  await ensureTopic();
  say('| drain | records | time | records/s | client CPU |');
  say('|---|---|---|---|---|');
  const runs: Run[] = [];
  const kcat = await timed('kcat -C -G (librdkafka 2.0.2, no Node)', drainKcat);
  runs.push(kcat);
  say(row(kcat));
  const native = await timed('native addon, commit per batch', () =>
    drainAdapter(
      new NativeBatchConsumer(addon, { config: config('native'), listener, logger: silentLogger }),
    ),
  );
  runs.push(native);
  say(row(native));
  const binding = await timed('binding consume(10000), commit per batch', drainBindingBare);
  runs.push(binding);
  say(row(binding));
  const adapter = await timed('binding adapter (packs raw batches)', () =>
    drainAdapter(new BindingBatchConsumer({ config: config('adapter'), listener, logger: silentLogger })),
  );
  runs.push(adapter);
  say(row(adapter));
  for (const r of runs)
    if (r.records < TOTAL) throw new Error(`${r.name} saw ${r.records} of ${TOTAL} records`);
  const rps = (r: Run) => Math.round(r.records / r.seconds);
  const ratio = Number((rps(native) / rps(binding)).toFixed(2));
  say(`native / binding = ${ratio}× (goal ≥ 5×)`);
  say(
    `RESULT ${JSON.stringify({ native_rps: rps(native), binding_rps: rps(binding), kcat_rps: rps(kcat), ratio })}`,
  );
}

await main();
