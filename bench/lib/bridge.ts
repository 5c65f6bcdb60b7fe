/**
 * Runs the bridge as the user would: the installed command (`bin/kafka-lambda-bridge.js serve`, with
 * its node flags) in a child process, configured by a KLB_CONFIG file — a unique Redis prefix, the admin API open on a random loopback port, the
 * benchmark's functions folder, and one mapping declared in config (its UUID is the consumer group).
 * Logs (JSON lines on stderr) go to a file next to the config, for post-mortems.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '../../tools/services/paths.ts';
import { BOOTSTRAP } from './kafka.ts';

export const FUNCTIONS_DIR = join(REPO_ROOT, 'bench', 'functions');
const BIN = join(REPO_ROOT, 'bin', 'kafka-lambda-bridge.js');

/** The node flags the installed command runs with (its shebang line): the benchmark runs it the same way. */
export function launchFlags(): string[] {
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node(?<flags>( --?\S+)*)$/.exec(first);
  if (!match) throw new Error(`unexpected shebang in ${BIN}: ${first}`);
  return (match.groups?.flags ?? '').trim().split(' ').filter(Boolean);
}

export interface BridgeSpec {
  name: string;
  consumer: 'native' | 'binding';
  topic: string;
  /** Scratch folder for the config, the log and (when profiling) the .cpuprofile files. */
  dir: string;
  batchSize?: number;
  /** MaximumBatchingWindowInSeconds; omitted = the default (500 ms for Kafka, as on AWS). */
  windowSeconds?: number;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export interface BridgeProcess {
  child: ChildProcess;
  pid: number;
  /** Epoch ms just before spawn. */
  spawnedAt: number;
  groupId: string;
  prefix: string;
  logFile: string;
  /** Rejects if the process exits before stop() was called. */
  died: Promise<never>;
  /** SIGTERM (the bridge drains and exits), SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startBridgeProcess(spec: BridgeSpec): BridgeProcess {
  const uuid = randomUUID();
  const prefix = `klbbench-${spec.name}-${Date.now().toString(36)}`;
  const config = {
    redisPrefix: prefix,
    admin: { host: '127.0.0.1', port: 0, open: true },
    functionsDir: FUNCTIONS_DIR,
    consumer: spec.consumer,
    shutdownTimeoutMs: 5_000,
    mappings: [
      {
        UUID: uuid,
        FunctionName: 'noop',
        Topics: [spec.topic],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: spec.batchSize ?? 1000,
        ...(spec.windowSeconds === undefined ? {} : { MaximumBatchingWindowInSeconds: spec.windowSeconds }),
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
      },
    ],
  };
  const configFile = join(spec.dir, `${spec.name}.config.json`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = join(spec.dir, `${spec.name}.log`);
  const log = openSync(logFile, 'w');
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...launchFlags(), ...(spec.nodeArgs ?? []), BIN, 'serve'], {
    cwd: REPO_ROOT,
    env: {
      MALLOC_ARENA_MAX: '1',
      ...process.env,
      ...spec.env,
      KLB_CONFIG: configFile,
      KLB_CONSUMER: spec.consumer,
    },
    stdio: ['ignore', log, log],
  });
  if (child.pid === undefined) throw new Error(`could not start the bridge (${spec.name})`);
  let stopping = false;
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const died = exited.then((code) => {
    if (!stopping) throw new Error(`bridge ${spec.name} exited with ${code} (log: ${logFile})`);
    return new Promise<never>(() => undefined);
  });
  died.catch(() => undefined);
  return {
    child,
    pid: child.pid,
    spawnedAt,
    groupId: uuid,
    prefix,
    logFile,
    died,
    async stop(graceMs = 15_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Deletes every Redis key under the run's prefix (mappings, the BullMQ queue, leftover payloads). */
export async function dropRedisPrefix(prefix: string, redisUrl = 'redis://127.0.0.1:6379'): Promise<number> {
  const redis = new Redis(redisUrl);
  let dropped = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) dropped += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return dropped;
}
