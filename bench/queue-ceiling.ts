/**
 * The ceiling the in-flight-batch queue puts on the bridge: the real Dispatcher (BullMQ on the local
 * Redis) with a processor that returns success at once, driven the way MappingRunner drives it — 8
 * partitions, each submitting its next batch only after the previous one settled, then committing
 * (here: nothing) and cleaning up. No Kafka, no encoder, no function: batches/s here bound the
 * bridge's batches/s from above on this machine.
 *
 *   npm run bench:queue [-- batches=2000 payloadBytes=1435000]   (node with the bridge's own flags)
 *
 * Prints batches/s for the given payload size and for an empty payload, the records/s they mean at
 * BatchSize 1,000, and the CPU seconds of this process and of Redis per 1,000 batches.
 * Last line: RESULT {"batches_per_s":…,"batches_per_s_empty":…,"cpu_ms_per_batch":…,"redis_cpu_ms_per_batch":…}
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Dispatcher } from '../src/dispatch/dispatcher.ts';
import { type BatchJobData, jobId, payloadKey } from '../src/dispatch/job.ts';
import { silentLogger } from '../src/log.ts';
import { redisPaths } from '../tools/services/paths.ts';
import { dropRedisPrefix } from './lib/bridge.ts';
import { processCpu } from './lib/proc.ts';

const BATCHES = Number(process.argv[2] ?? 2000);
const PAYLOAD = Number(process.argv[3] ?? 1_435_000);
const PARTITIONS = 8;
const RECORDS = 1000;
const REDIS_URL = 'redis://127.0.0.1:6379';

function redisPid(): number | undefined {
  try {
    return Number(readFileSync(redisPaths.pid, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

interface Run {
  batchesPerS: number;
  cpuMsPerBatch: number;
  sysMsPerBatch: number;
  redisCpuMsPerBatch: number | undefined;
}

async function run(payloadBytes: number): Promise<Run> {
  const prefix = `klbbench-queue-${Date.now().toString(36)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const dispatcher = new Dispatcher({
    mappingId: 'ceiling',
    connection: { url: REDIS_URL, maxRetriesPerRequest: null },
    redis,
    prefix,
    logger: silentLogger,
    processor: async () => ({ kind: 'success' }),
    backoffMs: () => 100,
  });
  await dispatcher.ready();
  const payload = new Uint8Array(payloadBytes).fill(0x41);
  const perPartition = Math.ceil(BATCHES / PARTITIONS);
  const pid = redisPid();
  const redis0 = pid === undefined ? undefined : processCpu(pid);
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, partition) => {
      for (let b = 0; b < perPartition; b++) {
        const firstOffset = b * RECORDS;
        const id = jobId(partition, firstOffset);
        const key = payloadKey(prefix, 'ceiling', partition, firstOffset, 0, 'b');
        const data: BatchJobData = {
          mappingId: 'ceiling',
          topic: 't',
          partition,
          firstOffset,
          lastOffset: firstOffset + RECORDS - 1,
          count: RECORDS,
          payloadKeys: payloadBytes > 0 ? [key] : [],
          payloadRanges: [[firstOffset, firstOffset + RECORDS - 1]],
          payloadsDone: 0,
          createdAtMs: Date.now(),
          oldestTimestampMs: 0,
          failedAttempts: 0,
        };
        const settled = dispatcher.wait(id);
        await dispatcher.submit(data, payloadBytes > 0 ? [payload] : []);
        await settled;
        await dispatcher.cleanup(id, data);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const redis1 = pid === undefined ? undefined : processCpu(pid);
  const batches = perPartition * PARTITIONS;
  await dispatcher.close();
  redis.disconnect();
  await dropRedisPrefix(prefix);
  return {
    batchesPerS: Math.round(batches / seconds),
    cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / batches,
    sysMsPerBatch: cpu.system / 1000 / batches,
    redisCpuMsPerBatch:
      redis0 === undefined || redis1 === undefined ? undefined : ((redis1 - redis0) * 1000) / batches,
  };
}

const full = await run(PAYLOAD);
const empty = await run(0);
const fmt = (r: Run, label: string) =>
  `${label.padEnd(22)} ${String(r.batchesPerS).padStart(6)} batches/s = ${String(r.batchesPerS * RECORDS).padStart(8)} records/s at BatchSize ${RECORDS}; CPU ${r.cpuMsPerBatch.toFixed(2)} ms/batch here (${r.sysMsPerBatch.toFixed(2)} in the kernel), ${r.redisCpuMsPerBatch?.toFixed(2) ?? '?'} ms/batch in Redis`;
console.log(
  `Dispatcher (BullMQ) ceiling, ${PARTITIONS} partitions, one batch in flight each, no-op processor:`,
);
console.log(fmt(full, `payload ${PAYLOAD} B`));
console.log(fmt(empty, 'no payload'));
console.log(
  `RESULT ${JSON.stringify({
    batches_per_s: full.batchesPerS,
    batches_per_s_empty: empty.batchesPerS,
    cpu_ms_per_batch: Number(full.cpuMsPerBatch.toFixed(3)),
    redis_cpu_ms_per_batch:
      full.redisCpuMsPerBatch === undefined ? null : Number(full.redisCpuMsPerBatch.toFixed(3)),
  })}`,
);
process.exit(0);
