/**
 * End-to-end benchmark: Kafka → bridge → a no-op local function, beside bare consumers draining the
 * same topic in the same run. Run: npm run bench:e2e [-- --profile] (needs the local broker and Redis,
 * kcat, and native/kafka-lambda-bridge.node).
 *
 * 1. Throughput. One topic of 8 partitions × 125,000 records (16 B keys, 1 KB values, 2 headers),
 *    produced with kcat. Each contender is a fresh process with a fresh consumer group, timed from
 *    spawn to "everything committed":
 *      - bare binding `consume(10000)` (fetch.queue.backoff.ms=10, commit per batch) — the baseline;
 *      - bare native addon (same loop through its BatchConsumer adapter);
 *      - the bridge (`bin/kafka-lambda-bridge.js serve` with its node flags, mapping declared in config, BatchSize 1000, local no-op
 *        function) with the native consumer, then with KLB_CONSUMER=binding; completion is polled
 *        from the group's committed offsets (admin client, every 50 ms).
 *    "steady" rates leave out start-up: records committed after the first commit, over the time
 *    from the first commit to the last.
 * 2. Record age at invocation: a fresh topic, the native bridge running, a steady 10,000 records/s for
 *    15 s from kcat (CREATE_TIME at produce); the no-op function writes now − timestamp per record.
 *    Once with the default 500 ms batching window, once with MaximumBatchingWindowInSeconds 0.
 * 3. With --profile: one more native bridge drain under `node --cpu-prof`, summarised per thread.
 *
 * Last line: RESULT {"bridge_rps":…,"bare_rps":…,"ratio":…,"peak_rss_mb":…,"p99_age_ms":…} —
 * bridge = native bridge, bare = bare binding drain, ratio = bridge/bare, wall-clock rates,
 * peak RSS = the native bridge's VmHWM (largest over its runs), p99 age with the default window.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadNativeAddon } from '../src/kafka/native-consumer.ts';
import { kafkaPaths, REPO_ROOT, redisPaths } from '../tools/services/paths.ts';
import { type BridgeProcess, dropRedisPrefix, startBridgeProcess } from './lib/bridge.ts';
import type { DrainTimes } from './lib/drain.ts';
import { BenchAdmin, produceBulk, produceSteady, sum, watchCommits } from './lib/kafka.ts';
import { peakRssMb, processCpu, threadCpu } from './lib/proc.ts';
import { formatSummary, profilesIn, summarise } from './profile-summary.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    'age-rate': { type: 'string', default: '10000' },
    'age-seconds': { type: 'string', default: '15' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const PARTITIONS = 8;
const TOTAL = Number(args.records);
const AGE_RATE = Number(args['age-rate']);
const AGE_SECONDS = Number(args['age-seconds']);
const RUN = Date.now().toString(36);
const TOPIC = `klb-bench-e2e-${RUN}`;
const SCRATCH = mkdtempSync(join(tmpdir(), 'klb-bench-e2e-'));

const say = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(2);

interface Run {
  name: string;
  records: number;
  /** Spawn → all committed. */
  wallMs: number;
  /** Spawn → first commit (process start, group join, first batch). */
  startupMs: number;
  steadyRecords: number;
  steadyMs: number;
  cpuSeconds: number | undefined;
  peakRssMb: number | undefined;
  threads?: Map<string, number>;
  /** CPU seconds Redis and the broker spent during the run (shared services: others' load counts too). */
  redisCpu?: number | undefined;
  brokerCpu?: number | undefined;
}

const servicePid = (file: string) => {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};
const REDIS_PID = servicePid(redisPaths.pid);
const BROKER_PID = servicePid(kafkaPaths.pid);

/** CPU seconds of Redis and the broker from now until the returned function is called. */
function serviceCpu(): () => { redisCpu: number | undefined; brokerCpu: number | undefined } {
  const at = (pid: number | undefined) => (pid === undefined ? undefined : processCpu(pid));
  const [r0, b0] = [at(REDIS_PID), at(BROKER_PID)];
  return () => {
    const [r1, b1] = [at(REDIS_PID), at(BROKER_PID)];
    return {
      redisCpu: r0 === undefined || r1 === undefined ? undefined : r1 - r0,
      brokerCpu: b0 === undefined || b1 === undefined ? undefined : b1 - b0,
    };
  };
}

const rps = (records: number, ms: number) => Math.round(records / (ms / 1000));
const wallRps = (r: Run) => rps(r.records, r.wallMs);
const steadyRps = (r: Run) => rps(r.steadyRecords, r.steadyMs);

/** One bare drain in a child process (bench/lib/bare-drain.ts). */
async function bareDrain(kind: 'native' | 'binding', name: string): Promise<Run> {
  const group = `klb-bench-e2e-${kind}-${RUN}`;
  const services = serviceCpu();
  const spawnedAt = Date.now();
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bench', 'lib', 'bare-drain.ts'), kind, TOPIC, String(TOTAL), group],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, UV_THREADPOOL_SIZE: '64' },
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(timer);
  const serviceSeconds = services();
  if (code !== 0) throw new Error(`bare drain ${kind} exited with ${code}`);
  const t = JSON.parse(out.trim().split('\n').at(-1) as string) as DrainTimes & {
    cpuSeconds: number;
    peakRssMb: number;
  };
  if (t.records < TOTAL) throw new Error(`bare ${kind} saw ${t.records} of ${TOTAL}`);
  return {
    name,
    records: t.records,
    wallMs: t.lastCommitAt - spawnedAt,
    startupMs: t.firstCommitAt - spawnedAt,
    steadyRecords: t.records - t.firstCommitRecords,
    steadyMs: t.lastCommitAt - t.firstCommitAt,
    cpuSeconds: t.cpuSeconds,
    peakRssMb: t.peakRssMb,
    ...serviceSeconds,
  };
}

const scratchPrefixes: string[] = [];

async function bridgeDrain(
  admin: BenchAdmin,
  ends: Map<number, number>,
  consumer: 'native' | 'binding',
  name: string,
  nodeArgs: string[] = [],
): Promise<{ run: Run; bridge: BridgeProcess }> {
  const bridge = startBridgeProcess({
    name: `${consumer}${nodeArgs.length ? '-prof' : ''}`,
    consumer,
    topic: TOPIC,
    dir: SCRATCH,
    nodeArgs,
  });
  scratchPrefixes.push(bridge.prefix);
  const services = serviceCpu();
  try {
    const w = await watchCommits(admin, bridge.groupId, TOPIC, ends, { abort: bridge.died });
    const serviceSeconds = services();
    const run: Run = {
      name,
      records: TOTAL,
      wallMs: w.doneAt - bridge.spawnedAt,
      startupMs: w.firstAt - bridge.spawnedAt,
      steadyRecords: TOTAL - w.firstCount,
      steadyMs: w.doneAt - w.firstAt,
      cpuSeconds: processCpu(bridge.pid),
      peakRssMb: peakRssMb(bridge.pid),
      threads: threadCpu(bridge.pid),
      ...serviceSeconds,
    };
    return { run, bridge };
  } finally {
    const code = await bridge.stop();
    if (code !== 0) say(`  (bridge ${name} exited with ${code}; log ${bridge.logFile})`);
  }
}

interface AgeResult {
  label: string;
  produced: number;
  seen: number;
  p50: number;
  p99: number;
  max: number;
  peakRssMb: number | undefined;
}

const topicsToDelete = [TOPIC];

async function agePhase(admin: BenchAdmin, label: string, windowSeconds?: number): Promise<AgeResult> {
  const topic = `klb-bench-e2e-age${windowSeconds ?? 'd'}-${RUN}`;
  topicsToDelete.push(topic);
  await admin.createTopic(topic, PARTITIONS);
  const file = join(SCRATCH, `${topic}.ages`);
  const bridge = startBridgeProcess({
    name: `age${windowSeconds ?? 'd'}`,
    consumer: 'native',
    topic,
    dir: SCRATCH,
    env: { KLB_BENCH_AGE_FILE: file },
    ...(windowSeconds === undefined ? {} : { windowSeconds }),
  });
  scratchPrefixes.push(bridge.prefix);
  try {
    // Warm-up: the group has joined and every partition has been invoked once; then forget those ages.
    const warm = PARTITIONS * 100;
    await produceBulk(topic, warm);
    await watchCommits(admin, bridge.groupId, topic, await admin.endOffsets(topic), {
      timeoutMs: 60_000,
      abort: bridge.died,
    });
    rmSync(file, { force: true });
    const produced = await produceSteady(topic, AGE_RATE, AGE_SECONDS, warm);
    await watchCommits(admin, bridge.groupId, topic, await admin.endOffsets(topic), {
      timeoutMs: 60_000,
      abort: bridge.died,
    });
    const peak = peakRssMb(bridge.pid);
    const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    const ages = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice().sort();
    const q = (p: number) => ages[Math.min(ages.length - 1, Math.floor(p * ages.length))] ?? Number.NaN;
    return { label, produced, seen: ages.length, p50: q(0.5), p99: q(0.99), max: q(1), peakRssMb: peak };
  } finally {
    await bridge.stop();
  }
}

function table(runs: Run[]): string[] {
  const lines = [
    '| contender | records | wall s | start-up s | records/s (wall) | records/s (steady) | CPU s | peak RSS MiB | Redis CPU s | broker CPU s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.name} | ${r.records} | ${secs(r.wallMs)} | ${secs(r.startupMs)} | ${wallRps(r)} | ${steadyRps(r)} | ${
        r.cpuSeconds?.toFixed(1) ?? '–'
      } | ${r.peakRssMb?.toFixed(0) ?? '–'} | ${r.redisCpu?.toFixed(1) ?? '–'} | ${r.brokerCpu?.toFixed(1) ?? '–'} |`,
    );
  }
  return lines;
}

function threadTable(runs: Run[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    if (!r.threads) continue;
    const parts = [...r.threads]
      .filter(([, cpu]) => cpu >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, cpu]) => `${kind} ${cpu.toFixed(1)} s`);
    lines.push(`- ${r.name}: ${parts.join(', ')}`);
  }
  return lines;
}

async function main(): Promise<void> {
  loadNativeAddon(); // fail fast, before producing a million records
  const admin = await BenchAdmin.connect();
  try {
    const started = Date.now();
    await admin.createTopic(TOPIC, PARTITIONS);
    say(`producing ${TOTAL} records × 1 KB to ${TOPIC} (${PARTITIONS} partitions) with kcat …`);
    await produceBulk(TOPIC, TOTAL);
    const ends = await admin.endOffsets(TOPIC);
    if (sum(ends) !== TOTAL) throw new Error(`${TOPIC} holds ${sum(ends)} records, not ${TOTAL}`);
    say(`produced in ${secs(Date.now() - started)} s; scratch ${SCRATCH}`);

    const runs: Run[] = [];
    const step = async (p: Promise<Run>) => {
      const r = await p;
      runs.push(r);
      say(
        `  ${r.name}: ${wallRps(r)} records/s wall, ${steadyRps(r)} steady, start-up ${secs(r.startupMs)} s`,
      );
      return r;
    };
    const bareBinding = await step(bareDrain('binding', 'bare binding consume(10000)'));
    const bareNative = await step(bareDrain('native', 'bare native addon'));
    const bridgeNative = await step(
      bridgeDrain(admin, ends, 'native', 'bridge, native consumer').then((b) => b.run),
    );
    const bridgeBinding = await step(
      bridgeDrain(admin, ends, 'binding', 'bridge, binding consumer').then((b) => b.run),
    );

    let profileText: string | undefined;
    if (args.profile) {
      const dir = join(SCRATCH, 'cpuprof');
      const { run } = await bridgeDrain(admin, ends, 'native', 'bridge, native, under --cpu-prof', [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
      ]);
      runs.push(run);
      profileText = profilesIn(dir)
        .map((f) => summarise(f, 15))
        .sort((a, b) => b.busyMs - a.busyMs)
        .map(formatSummary)
        .join('\n\n');
    }

    say(`record age at invocation: ${AGE_RATE} records/s for ${AGE_SECONDS} s, native bridge …`);
    const ages = [await agePhase(admin, 'default window (500 ms)')];
    ages.push(await agePhase(admin, 'MaximumBatchingWindowInSeconds 0', 0));

    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    say('');
    for (const l of table(runs)) say(l);
    say('');
    say('bridge CPU by thread (seconds, whole run):');
    for (const l of threadTable(runs)) say(l);
    say('');
    say('| ratio | wall | steady |');
    say('|---|---:|---:|');
    const ratioRow = (label: string, a: Run, b: Run) =>
      say(`| ${label} | ${ratio(wallRps(a), wallRps(b))} | ${ratio(steadyRps(a), steadyRps(b))} |`);
    ratioRow('native bridge / bare binding (goal ≥ 0.7; native issue ≥ 2.5)', bridgeNative, bareBinding);
    ratioRow('native bridge / bare native', bridgeNative, bareNative);
    ratioRow('binding bridge / bare binding', bridgeBinding, bareBinding);
    ratioRow('bare native / bare binding', bareNative, bareBinding);
    say('');
    say('| record age at invocation (native bridge) | records | p50 ms | p99 ms | max ms | peak RSS MiB |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const a of ages)
      say(
        `| ${a.label} | ${a.seen}/${a.produced} | ${a.p50} | ${a.p99} | ${a.max} | ${a.peakRssMb?.toFixed(0) ?? '–'} |`,
      );
    if (profileText) {
      say('');
      say('CPU profile of the native bridge (one table per thread, busiest first):');
      say(profileText);
    }
    const nativeRss = [bridgeNative.peakRssMb, ...ages.map((a) => a.peakRssMb)].filter(
      (v): v is number => v !== undefined,
    );
    say('');
    say(
      `RESULT ${JSON.stringify({
        bridge_rps: wallRps(bridgeNative),
        bare_rps: wallRps(bareBinding),
        ratio: ratio(wallRps(bridgeNative), wallRps(bareBinding)),
        peak_rss_mb: Math.round(Math.max(...nativeRss)),
        p99_age_ms: ages[0]?.p99,
      })}`,
    );
  } finally {
    await admin.deleteTopics(topicsToDelete).catch((e: unknown) => say(`could not delete topics: ${e}`));
    await admin.disconnect();
    for (const p of scratchPrefixes) await dropRedisPrefix(p).catch(() => undefined);
    if (!args.keep) rmSync(SCRATCH, { recursive: true, force: true });
  }
}

await main();
