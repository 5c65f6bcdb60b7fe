/**
 * Peak RSS of the bridge draining one topic, several runs, variants interleaved: the tool behind the
 * memory figures in docs/benchmarks.md. Peak RSS is noisy (it is a maximum over GC timing), so read
 * medians over runs, never one run.
 *
 *   node bench/bridge-rss.ts [--runs 3] [--records 1000000] [--variant 'name={"ENV":"value"}' ...]
 *
 * Each variant is a name and a JSON object of environment variables for the bridge process (e.g.
 * `q4={"KLB_LOCAL_CONCURRENCY":"2"}`); `__ARGS` in it adds node flags. Without variants: the bridge as
 * shipped. One topic (8 partitions, 1 KB values) is produced once and drained by a fresh consumer group
 * each run, the bridge launched as bench:e2e launches it. Per run: VmHWM, RSS sampled every 100 ms
 * (p50), CPU seconds and records/s; then medians per variant.
 * Last line: RESULT {"variants":[{"name":…,"peak_rss_mb":…,"rss_p50_mb":…,"cpu_s":…,"rps":…},…]}
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dropRedisPrefix, startBridgeProcess } from './lib/bridge.ts';
import { BenchAdmin, produceBulk, sum, watchCommits } from './lib/kafka.ts';
import { peakRssMb, processCpu } from './lib/proc.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    records: { type: 'string', default: '1000000' },
    variant: { type: 'string', multiple: true, default: [] },
  },
});

interface Variant {
  name: string;
  env: Record<string, string>;
  nodeArgs: string[];
}

function parseVariant(spec: string): Variant {
  const at = spec.indexOf('=');
  if (at <= 0) throw new Error(`--variant wants name={json}: ${spec}`);
  const { __ARGS: flags, ...env } = JSON.parse(spec.slice(at + 1)) as Record<string, string>;
  return { name: spec.slice(0, at), env, nodeArgs: flags ? flags.split(' ') : [] };
}

interface Sample {
  hwm: number;
  p50: number;
  cpu: number;
  rps: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

async function drain(admin: BenchAdmin, topic: string, ends: Map<number, number>, v: Variant, dir: string) {
  const bridge = startBridgeProcess({
    // The name becomes part of a Redis prefix: keep it to what the config accepts.
    name: v.name.replace(/[^a-zA-Z0-9_-]/g, '-'),
    consumer: 'native',
    topic,
    dir,
    env: v.env,
    nodeArgs: v.nodeArgs,
  });
  const rss: number[] = [];
  const timer = setInterval(() => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bridge.pid}/status`, 'utf8'));
    if (m) rss.push(Number(m[1]) / 1024);
  }, 100);
  try {
    const w = await watchCommits(admin, bridge.groupId, topic, ends, { abort: bridge.died });
    const sample: Sample = {
      hwm: peakRssMb(bridge.pid) ?? Number.NaN,
      p50: median(rss),
      cpu: processCpu(bridge.pid) ?? Number.NaN,
      rps: sum(ends) / ((w.doneAt - bridge.spawnedAt) / 1000),
    };
    return sample;
  } finally {
    clearInterval(timer);
    await bridge.stop();
    await dropRedisPrefix(bridge.prefix);
  }
}

const variants =
  args.variant.length > 0 ? args.variant.map(parseVariant) : [{ name: 'as shipped', env: {}, nodeArgs: [] }];
const admin = await BenchAdmin.connect();
const topic = `klb-bench-rss-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'klb-bench-rss-'));
try {
  await admin.createTopic(topic, 8);
  await produceBulk(topic, Number(args.records));
  const ends = await admin.endOffsets(topic);
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let run = 1; run <= Number(args.runs); run++) {
    for (const v of variants) {
      const s = await drain(admin, topic, ends, v, dir);
      samples.get(v.name)?.push(s);
      console.log(
        `run ${run} ${v.name}: peak ${s.hwm.toFixed(0)} MiB, p50 ${s.p50.toFixed(0)} MiB, CPU ${s.cpu.toFixed(1)} s, ${Math.round(s.rps)} records/s`,
      );
    }
  }
  const rows = variants.map((v) => {
    const s = samples.get(v.name) as Sample[];
    return {
      name: v.name,
      peak_rss_mb: Math.round(median(s.map((x) => x.hwm))),
      peak_rss_range: [
        Math.round(Math.min(...s.map((x) => x.hwm))),
        Math.round(Math.max(...s.map((x) => x.hwm))),
      ],
      rss_p50_mb: Math.round(median(s.map((x) => x.p50))),
      cpu_s: Number(median(s.map((x) => x.cpu)).toFixed(1)),
      rps: Math.round(median(s.map((x) => x.rps))),
    };
  });
  console.log('| variant | peak RSS MiB (median, range) | RSS p50 MiB | CPU s | records/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.peak_rss_mb} (${r.peak_rss_range.join('–')}) | ${r.rss_p50_mb} | ${r.cpu_s} | ${r.rps} |`,
    );
  console.log(`RESULT ${JSON.stringify({ variants: rows })}`);
} finally {
  await admin.deleteTopics([topic]).catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
