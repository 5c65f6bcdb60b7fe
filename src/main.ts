/**
 * The composition root: builds every client from the validated config, wires the runtime (supervisor,
 * runners, dispatchers, targets), the admin API and the Lambda Invoke route, and returns one handle
 * whose close() drains. The only module that knows every area.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type ServerType, serve } from '@hono/node-server';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { createAdminApp } from './admin/app.ts';
import type { Config } from './config/schema.ts';
import { retryDelayMs } from './dispatch/backoff.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import { LocalPayloads } from './dispatch/local-payloads.ts';
import { createProcessor, RetryLater } from './dispatch/processor.ts';
import { createEncoder } from './encode/index.ts';
import { packedOps } from './encode/packed.ts';
import { FailureDestinations } from './failure/destination.ts';
import { FailureHandler } from './failure/handler.ts';
import { ReplayService } from './failure/replay.ts';
import { ReplayJobs } from './failure/replay-jobs.ts';
import { ReplayRunner } from './failure/replay-runner.ts';
import { FailedBatchStore } from './failure/store.ts';
import { compileFilters } from './filter/index.ts';
import { createInvokeApi } from './invoke/invoke-api.ts';
import { createTargetResolver } from './invoke/resolve.ts';
import { clientConfig } from './kafka/client-config.ts';
import { kafkaLibrary } from './kafka/client-library.ts';
import { connectionFor } from './kafka/connection.ts';
import { createConsumer } from './kafka/create-consumer.ts';
import type { Logger } from './log.ts';
import { RedisMappingStore } from './mapping/redis-store.ts';
import { createMapping } from './mapping/resolve.ts';
import { createRequestSchema } from './mapping/schema.ts';
import type { ClusterRegistry, KafkaCluster, Mapping } from './mapping/types.ts';
import { MappingRunner, type PartitionFailure } from './runtime/mapping-runner.ts';
import { nativeTrim, startMemoryTrim } from './runtime/memory-trim.ts';
import { Metrics, ProcessingResults } from './runtime/metrics.ts';
import { PartitionHealthStore, partitionHealthJson } from './runtime/partition-health.ts';
import { PROBLEMS } from './runtime/problems.ts';
import { type Runner, Supervisor } from './runtime/supervisor.ts';

export interface Bridge {
  /** Where the admin API (and the Lambda Invoke route) listens. */
  url: string;
  supervisor: Supervisor;
  metrics: Metrics;
  close(): Promise<void>;
}

function bullConnection(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A KafkaJS-style admin client on the mapping's connection (offset lookups by timestamp). */
async function kafkaAdmin(props: Record<string, string>) {
  const { 'bootstrap.servers': servers = '', ...rest } = props;
  const { KafkaJS } = kafkaLibrary();
  const kafka = new KafkaJS.Kafka({
    ...rest,
    kafkaJS: { brokers: servers.split(','), logLevel: KafkaJS.logLevel.NOTHING },
  });
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

function clusterRegistry(config: Config): ClusterRegistry {
  const map = new Map<string, KafkaCluster>();
  for (const [arn, c] of Object.entries(config.clusters))
    map.set(arn, { bootstrapServers: c.bootstrapServers });
  return map;
}

export async function startBridge(config: Readonly<Config>, logger: Logger): Promise<Bridge> {
  const prefix = config.redisPrefix;
  const connection = bullConnection(config.redisUrl);
  const redis = new Redis({ ...(connection as object), lazyConnect: true });
  await redis.connect();
  const store = new RedisMappingStore({ redis, prefix: `${prefix}:` });
  const clusters = clusterRegistry(config);
  const metrics = new Metrics();
  const results = new ProcessingResults((uuid, text) => store.setLastProcessingResult(uuid, text), logger);
  const targets = createTargetResolver({
    functionsDir: config.functionsDir,
    functions: config.functions,
    region: config.aws.region,
    timeoutMs: config.invokeTimeoutMs,
    localConcurrency: config.localConcurrency,
  });
  const encoder = createEncoder({ logger: logger.child('encoder') });
  const localPayloads = new LocalPayloads();
  const stopTrim = startMemoryTrim(nativeTrim());
  const instanceId = config.instanceId ?? `${hostname()}-${process.pid}`;
  const healthStore = new PartitionHealthStore(redis, prefix);
  /** mapping → partition → the failure of its current batch, from the processor's reports. */
  const partitionFailures = new Map<string, Map<number, PartitionFailure>>();
  const failuresOf = (uuid: string) => {
    let m = partitionFailures.get(uuid);
    if (!m) {
      m = new Map();
      partitionFailures.set(uuid, m);
    }
    return m;
  };
  const failedBatches = new FailedBatchStore({
    redis,
    prefix: `${prefix}:failed:`,
    maxAgeMs: config.failedBatches.maxAgeHours * 3600_000,
    maxPerMapping: config.failedBatches.maxPerMapping,
  });
  const destinations = new FailureDestinations({
    connectionOf: (m) => connectionFor(m, config),
    destinationHosts: config.destinationHosts,
    encoder,
    logger: logger.child('destination'),
  });
  const failures = new FailureHandler({
    store: failedBatches,
    destinations,
    logger: logger.child('failure'),
  });
  const replayJobs = new ReplayJobs(redis, failedBatches.keys, 7 * 24 * 3600_000);
  const replayRunner = new ReplayRunner({
    jobs: replayJobs,
    store: failedBatches,
    encoder,
    targets,
    logger: logger.child('replay'),
    maxPayloadBytes: config.maxPayloadBytes,
  });
  const replays = new ReplayService({
    store: failedBatches,
    jobs: replayJobs,
    encoder,
    runner: replayRunner,
  });
  let supervisor: Supervisor | undefined;

  const processor = createProcessor({
    getMapping: (uuid) => supervisor?.mapping(uuid),
    lowWatermark: async (uuid, partition) => supervisor?.runnerOf(uuid)?.lowWatermark(partition),
    targets,
    redis,
    localPayloads,
    backoff: config.retry,
    failures,
    logger: logger.child('dispatch'),
    report: (event) => {
      if (event.kind === 'invoked') {
        partitionFailures.get(event.mappingId)?.delete(event.partition);
        metrics.add(event.mappingId, 'InvokedEventCount', event.records);
        results.set(event.mappingId, 'OK');
      } else if (event.kind === 'given-up') {
        metrics.add(event.mappingId, 'FailureHandedOffEventCount', event.records);
        logger.warn('batch given up and stored for replay', {
          mapping: event.mappingId,
          condition: event.condition,
          id: event.storedId,
        });
      } else {
        metrics.add(event.mappingId, 'InvokedEventCount', event.records);
        metrics.add(event.mappingId, 'FailedInvokeEventCount', event.records);
        metrics.add(event.mappingId, 'InvokeErrorCount');
        failuresOf(event.mappingId).set(event.partition, {
          attempts: event.attempt,
          error: `${event.reason}: ${event.message}`.slice(0, 500),
          atMs: Date.now(),
        });
        results.set(event.mappingId, PROBLEMS.functionCallFailed);
        logger.warn('batch failed; retrying', {
          mapping: event.mappingId,
          reason: event.reason,
          message: event.message,
          attempt: event.attempt,
        });
      }
    },
  });

  const createRunner = (mapping: Mapping): Runner => {
    const log = logger.child(`esm.${mapping.uuid.slice(0, 8)}`);
    const dispatcher = new Dispatcher({
      mappingId: mapping.uuid,
      connection,
      redis,
      prefix,
      logger: log,
      processor,
      backoffMs: (attempts, error) =>
        error instanceof RetryLater ? error.delayMs : retryDelayMs(config.retry, attempts),
      lockDurationMs: 15_000,
      stalledIntervalMs: 5_000,
    });
    let runner: MappingRunner | undefined;
    const kafkaProps = clientConfig(connectionFor(mapping, config));
    let admin: ReturnType<typeof kafkaAdmin> | undefined;
    const consumer = createConsumer({
      prefer: config.consumer,
      config: {
        ...kafkaProps,
        'group.id': mapping.consumerGroupId,
        'client.id': `kafka-lambda-bridge-${mapping.uuid.slice(0, 8)}`,
        'auto.offset.reset': mapping.startingPosition === 'LATEST' ? 'latest' : 'earliest',
        // A crashed instance's partitions move on within seconds, not librdkafka's default 45 s.
        'session.timeout.ms': '10000',
        // Bounded prefetch (librdkafka's default is 64 MiB per consumer): see config prefetchKiB.
        'queued.max.messages.kbytes': String(config.prefetchKiB),
        'heartbeat.interval.ms': '2000',
      },
      listener: {
        onRebalance: (event) => runner?.listener.onRebalance(event),
        onError: (error) => runner?.listener.onError(error),
      },
      logger: log.child('kafka'),
    });
    runner = new MappingRunner({
      mapping,
      consumer,
      dispatcher,
      encoder,
      packed: packedOps,
      prefix,
      maxPayloadBytes: config.maxPayloadBytes,
      localPayloads,
      logger: log,
      compileFilters,
      failures,
      offsetForTimestamp: async (partition, timestampMs) => {
        admin ??= kafkaAdmin(kafkaProps);
        const offsets = await (await admin).fetchTopicOffsetsByTimestamp(mapping.topic, timestampMs);
        return Number(offsets.find((o) => o.partition === partition)?.offset ?? -1);
      },
      events: {
        committed: (uuid, partition, offset, records) => {
          metrics.add(uuid, 'CommittedEventCount', records);
          log.debug('batch committed', { partition, offset, records });
        },
        problem: (uuid, message) => results.set(uuid, message),
        filtered: (uuid, records) => metrics.add(uuid, 'FilteredOutEventCount', records),
        oversized: (uuid, partition, offset) => {
          metrics.add(uuid, 'OversizedRecordCount');
          log.error('record larger than the payload cap', {
            partition,
            offset,
            condition: 'MaximumPayloadSizeExceeded',
          });
        },
      },
    });
    const r = runner;
    const publishHealth = setInterval(() => {
      healthStore
        .publish(mapping.uuid, r.health(instanceId, partitionFailures.get(mapping.uuid)))
        .catch((error: unknown) => log.debug('could not publish partition health', { error }));
    }, 2000);
    publishHealth.unref();
    return {
      start: () => r.start(),
      update: (m) => r.update(m),
      lowWatermark: (partition) => r.lowWatermark(partition),
      stop: async (ms) => {
        clearInterval(publishHealth);
        await r.stop(ms);
        await dispatcher.close();
        if (admin) await (await admin).disconnect().catch(() => undefined);
      },
    };
  };

  supervisor = new Supervisor({
    store,
    createRunner,
    logger: logger.child('supervisor'),
    drainTimeoutMs: config.shutdownTimeoutMs,
  });

  // Mappings declared in config: created once, through the same validation as the API.
  for (const body of config.mappings) {
    const { UUID, ...request } = body;
    const input = createRequestSchema.parse(request);
    const mapping = createMapping(input, typeof UUID === 'string' ? UUID : randomUUID(), {
      region: config.aws.region,
      accountId: config.aws.accountId,
      clusters,
      destinationHosts: config.destinationHosts,
      now: Date.now(),
    });
    await store.create(mapping).catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    });
  }
  await supervisor.start();
  replayRunner.start();

  const app = createAdminApp({
    store,
    clusters,
    ...(config.admin.rateLimit.perSecond > 0 ? { rateLimit: config.admin.rateLimit } : {}),
    destinationHosts: config.destinationHosts,
    accountId: config.aws.accountId,
    region: config.aws.region,
    auth: {
      ...(config.admin.token ? { bearerTokens: [config.admin.token] } : {}),
      sigv4Credentials: config.admin.credentials,
      allowUnauthenticated: config.admin.open && isLoopback(config.admin.host),
    },
    logger: logger.child('admin'),
    metrics: () => metrics.prometheus() + failureMetrics(failures.stats()),
    failures: { store: failedBatches, replays },
    partitions: async (uuid) => (await healthStore.read(uuid)).map((e) => partitionHealthJson(e)),
    healthCheck: async () => (await redis.ping()) === 'PONG',
  });
  app.route(
    '/',
    createInvokeApi({
      targets,
      functionsDir: config.functionsDir,
      functions: config.functions,
      region: config.aws.region,
      accountId: config.aws.accountId,
    }),
  );
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.admin.host, port: config.admin.port }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.admin.port;
  const url = `http://${config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host}:${port}`;
  logger.info('admin API listening', { url, auth: config.admin.open ? 'open (dev, loopback)' : 'required' });

  let closing: Promise<void> | undefined;
  return {
    url,
    supervisor,
    metrics,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await supervisor?.stop();
        await replayRunner.close();
        await destinations.close();
        await targets.close();
        await redis.quit().catch(() => undefined);
        stopTrim();
      })();
      return closing;
    },
  };
}

/** The failure handler's counters (since start) in Prometheus text. */
function failureMetrics(stats: Readonly<Record<string, number>>): string {
  return Object.entries(stats)
    .map(([name, value]) => {
      const metric = `klb_failure_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_total`;
      return `# TYPE ${metric} counter\n${metric} ${value}\n`;
    })
    .join('');
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}
