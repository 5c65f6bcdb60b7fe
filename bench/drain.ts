/**
 * Drain benchmark: how fast each consumer empties a topic of 8 partitions × 125,000 records
 * (16 B keys, 1 KB values, 2 headers), each with a fresh consumer group, from subscribe to the last
 * record. The Node consumers (bench/lib/drain.ts, shared with bench:e2e) commit explicit offsets after
 * every batch (awaited; the next poll is already in flight, as the bridge does it). Time runs from before
 * connect (group join included) to the acknowledged commit of the last record (kcat: its last record);
 * leaving the group afterwards is not part of a drain. Run: npm run bench:drain (needs the local broker and
 * native/kafka-lambda-bridge.node). The topic is produced once with kcat and reused.
 *
 * Last line: RESULT {"native_rps":…,"binding_rps":…,"kcat_rps":…,"ratio":…}, ratio = native/binding.
 */
import { spawn } from 'node:child_process';
import { BindingBatchConsumer } from '../src/kafka/binding-consumer.ts';
import { loadNativeAddon, NativeBatchConsumer } from '../src/kafka/native-consumer.ts';
import { silentLogger } from '../src/log.ts';
import { createTopic, endOffsets } from '../test/helpers/kafka.ts';
import { LOCAL_KAFKA } from '../tools/services/paths.ts';
import { bareConfig, type DrainSpec, type DrainTimes, drainAdapter, drainBindingBare } from './lib/drain.ts';

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
}

/** Times from before the process starts (so its group join counts) to the last record. */
async function timed(name: string, body: () => Promise<Drained>): Promise<Run> {
  const started = performance.now();
  const { records, lastAt } = await body();
  return { name, records, seconds: (lastAt - started) / 1000 };
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

const listener = { onRebalance: () => undefined, onError: () => undefined };

/**
 * A Node drain from bench/lib/drain.ts (the same loops bench:e2e's bare contenders run), timed from
 * before connect to the acknowledged commit of the last record, with this process's CPU meanwhile.
 */
async function nodeDrain(name: string, run: (spec: DrainSpec) => Promise<DrainTimes>): Promise<Run> {
  const cpu = process.cpuUsage();
  const t = await run({ topic: TOPIC, total: TOTAL, groupId: group(name), batch: BATCH });
  return {
    name,
    records: t.records,
    seconds: (t.lastCommitAt - t.connectAt) / 1000,
    cpuSeconds: cpuSince(cpu),
  };
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
  const native = await nodeDrain('native addon, commit per batch', (spec) =>
    drainAdapter(
      new NativeBatchConsumer(addon, { config: bareConfig(spec.groupId), listener, logger: silentLogger }),
      spec,
    ),
  );
  runs.push(native);
  say(row(native));
  const binding = await nodeDrain('binding consume(10000), commit per batch', drainBindingBare);
  runs.push(binding);
  say(row(binding));
  const adapter = await nodeDrain('binding adapter (packs raw batches)', (spec) =>
    drainAdapter(
      new BindingBatchConsumer({ config: bareConfig(spec.groupId), listener, logger: silentLogger }),
      spec,
    ),
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
