/**
 * Runs a real bridge in the test process (startBridge, real Kafka and Redis) with a unique Redis
 * prefix, the admin API on a random loopback port, and the test functions directory.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log.ts';
import { type Bridge, startBridge } from '../../src/main.ts';
import { BOOTSTRAP, committedOffsets, endOffsets } from './kafka.ts';
import { uniqueName, waitFor } from './wait.ts';

export const FUNCTIONS_DIR = join(import.meta.dirname, '..', 'fixtures', 'functions');
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDKLBTEST000000001',
  secretAccessKey: 'klb-test-secret-key',
};

/** Where recorder.mjs writes; one folder per test process. */
export const OUT_DIR = join(process.env.TMPDIR ?? '/tmp', `klb-test-${process.pid}`);
mkdirSync(OUT_DIR, { recursive: true });
process.env.KLB_TEST_OUT = OUT_DIR;

export interface TestBridge {
  bridge: Bridge;
  lambda: LambdaClient;
  prefix: string;
  close(): Promise<void>;
}

export async function startTestBridge(
  overrides: Record<string, unknown> & { consumer?: 'native' | 'binding' } = {},
): Promise<TestBridge> {
  const { consumer, ...rest } = overrides;
  const prefix = uniqueName('klbt');
  const config = loadConfig(
    { KLB_CONSUMER: consumer ?? process.env.KLB_CONSUMER },
    {
      redisPrefix: prefix,
      admin: {
        host: '127.0.0.1',
        port: 0,
        credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey },
      },
      functionsDir: FUNCTIONS_DIR,
      retry: { baseDelayMs: 50, maxDelayMs: 400 },
      shutdownTimeoutMs: 10_000,
      ...rest,
    },
  );
  const logger = process.env.KLB_TEST_LOG
    ? createLogger('klb', { level: 'debug', pretty: true })
    : warningsLogger;
  const bridge = await startBridge(config, logger);
  const lambda = new LambdaClient({
    endpoint: bridge.url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
  return {
    bridge,
    lambda,
    prefix,
    async close() {
      lambda.destroy();
      await bridge.close();
    },
  };
}

export interface InvocationLine {
  key: string;
  partition: number;
  offsets: number[];
  fail: boolean;
  at: number;
}

export function invocations(topic: string, which: 'start' | 'done' = 'start'): InvocationLine[] {
  const file = join(OUT_DIR, which === 'start' ? `${topic}.jsonl` : `${topic}.done.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as InvocationLine);
}

/** Creates a self-managed mapping (local PLAINTEXT broker, TRIM_HORIZON unless given) with the real SDK. */
export async function createMapping(
  tb: TestBridge,
  input: Partial<CreateEventSourceMappingCommandInput> & { FunctionName: string; Topics: string[] },
): Promise<string> {
  const out = await tb.lambda.send(
    new CreateEventSourceMappingCommand({
      StartingPosition: 'TRIM_HORIZON',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
      ...input,
    }),
  );
  assert.ok(out.UUID);
  return out.UUID;
}

/** Waits until the group's committed offsets equal the topic's end offsets; returns them. */
/**
 * The in-process bridges' latest warnings and errors. Tests run quiet (KLB_TEST_LOG=1 prints
 * everything); a wait that times out shows these, so a stall comes with what the bridge complained of.
 */
export const recentWarnings: string[] = [];
const warningsLogger = createLogger('klb', {
  level: 'warn',
  pretty: true,
  write: (line) => {
    recentWarnings.push(line.trimEnd());
    if (recentWarnings.length > 30) recentWarnings.shift();
  },
});

export async function waitCommitted(
  group: string,
  topic: string,
  timeoutMs = 120_000,
): Promise<Map<number, number>> {
  const ends = await endOffsets(topic);
  let last = new Map<number, number>();
  try {
    return await waitFor(
      `group ${group} to commit the end of ${topic}`,
      async () => {
        last = await committedOffsets(group, topic);
        for (const [p, end] of ends) if (last.get(p) !== end) return undefined;
        return last;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    // Which partitions stopped short, and where: the first thing to know about a stall.
    const behind = [...ends]
      .filter(([p, end]) => last.get(p) !== end)
      .map(([p, end]) => `${p}: ${last.get(p) ?? 'none'} of ${end}`);
    const warnings =
      recentWarnings.length > 0 ? `; latest bridge warnings:\n${recentWarnings.join('\n')}` : '';
    throw new Error(`${(error as Error).message} (committed/end — ${behind.join(', ')})${warnings}`, {
      cause: error,
    });
  }
}
