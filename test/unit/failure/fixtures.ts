/** Shared fixtures for failure-handling unit tests: a mapping, packed batches, a recording logger. */
import { pack } from '../../../src/encode/pack.ts';
import type { Logger } from '../../../src/log.ts';
import type { Mapping } from '../../../src/mapping/types.ts';

export const MSK_ARN =
  'arn:aws:kafka:eu-west-1:111122223333:cluster/orders-cluster/6c1f0a3e-1b2c-4d5e-8f90-123456789abc-2';
export const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:order-processor';
export const UUID = '6b1f4a3e-0c2d-4e5f-8a9b-0c1d2e3f4a5b';

export function mapping(overrides: Partial<Mapping> = {}): Mapping {
  return {
    uuid: UUID,
    arn: `arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${UUID}`,
    functionName: 'order-processor',
    functionArn: FUNCTION_ARN,
    eventSource: 'aws:kafka',
    eventSourceArn: MSK_ARN,
    topic: 'orders',
    bootstrapServers: ['b-1.orders.example:9098'],
    sourceAccessConfigurations: [],
    connectionAuth: [],
    startingPosition: 'LATEST',
    batchSize: 100,
    batchingWindowMs: 500,
    enabled: true,
    filterPatterns: [],
    consumerGroupId: UUID,
    maximumRetryAttempts: 2,
    maximumRecordAgeSeconds: -1,
    bisect: false,
    reportBatchItemFailures: false,
    metrics: [],
    state: 'Enabled',
    stateTransitionReason: 'USER_INITIATED',
    lastProcessingResult: 'OK',
    lastModifiedMs: 0,
    version: 1,
    ...overrides,
  };
}

/** Records `offsets` of orders-0 (key `k<offset>`, value `{"id":<offset>}`, timestamp 1767225600000 + offset). */
export function orders(offsets: readonly number[], partition = 0): Uint8Array {
  return pack(
    offsets.map((offset) => ({
      topic: 'orders',
      partition,
      offset,
      timestamp: 1_767_225_600_000 + offset,
      timestampType: 1 as const,
      key: `k${offset}`,
      value: `{"id":${offset}}`,
      headers: [{ h: 'v' }],
    })),
  );
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, fields });
    };
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}
