/**
 * The one configuration schema. Loaded once (src/config/load.ts) from a JSON file and environment
 * variables, validated here, then frozen; nothing else reads process.env.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { isDestinationHostPattern } from '../mapping/destination-hosts.ts';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

/** How the bridge reaches a Kafka cluster named by an MSK ARN (there is no MSK API here). */
export const clusterSchema = z.strictObject({
  bootstrapServers: z.array(hostPort).min(1).max(10),
  /** Connection security when the mapping's SourceAccessConfigurations do not say more. */
  protocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
});

/** Secret values for the URIs that mappings reference; never echoed by the API, never logged. */
export const secretSchema = z.strictObject({
  username: z.string().optional(),
  password: z.string().optional(),
  certificate: z.string().optional(),
  privateKey: z.string().optional(),
  privateKeyPassword: z.string().optional(),
});

export const functionSchema = z.union([
  z.strictObject({ url: z.url(), headers: z.record(z.string(), z.string()).optional() }),
  z.strictObject({ module: z.string().min(1) }),
]);

export const configSchema = z.strictObject({
  redisUrl: z.string().default('redis://127.0.0.1:6379'),
  redisPrefix: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]+$/)
    .default('klb'),
  instanceId: z.string().min(1).optional(),
  admin: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      token: z.string().min(16, 'admin token must be at least 16 characters').optional(),
      /** Access key id → secret access key, for AWS SigV4-signed requests (the CLI and SDK). */
      credentials: z.record(z.string(), z.string()).default({}),
      /** Dev mode: no auth, allowed only while the admin API listens on loopback. */
      open: z.boolean().default(false),
      /**
       * Requests per second each caller may make (src/admin/rate-limit.ts), with a burst allowance;
       * over it the API answers 429 TooManyRequestsException. perSecond 0 turns the limit off.
       */
      rateLimit: z
        .strictObject({
          perSecond: z.number().min(0).default(100),
          burst: z.number().int().min(1).default(200),
        })
        .prefault({}),
    })
    .prefault({}),
  aws: z
    .strictObject({
      region: z.string().default('us-east-1'),
      accountId: z
        .string()
        .regex(/^\d{12}$/)
        .default('000000000000'),
    })
    .prefault({}),
  functionsDir: z.string().default('functions'),
  functions: z.record(z.string(), functionSchema).default({}),
  /**
   * Worker threads per local function: how many of its invocations run at once. They exist to keep
   * function CPU off the poll loop's thread, so the default is one per core beyond the main thread;
   * each costs tens of MB under load. Raise it for functions that mostly wait on I/O.
   */
  localConcurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.max(1, Math.min(4, availableParallelism() - 1))),
  clusters: z.record(z.string(), clusterSchema).default({}),
  /**
   * Hosts that http(s) OnFailure destinations may name: `host`, `host:port` or `*.domain`
   * (src/mapping/destination-hosts.ts). Empty (the default): mappings cannot use http(s)
   * destinations, so an admin API caller cannot point the bridge at internal services.
   */
  destinationHosts: z
    .array(
      z.string().refine(isDestinationHostPattern, {
        message: 'expected host, host:port or *.domain',
      }),
    )
    .default([]),
  secrets: z.record(z.string(), secretSchema).default({}),
  /** Mappings declared in config: CreateEventSourceMapping request bodies, created if absent. */
  mappings: z.array(z.record(z.string(), z.unknown())).default([]),
  consumer: z.enum(['auto', 'native', 'binding']).default('auto'),
  /**
   * Records each mapping's consumer may fetch ahead, in KiB (librdkafka's queued.max.messages.kbytes;
   * its own default is 65536). Memory against speed: draining 8 partitions of 1 KB records, 6 MiB
   * peaked ≈ 17 MiB lower than 8 MiB but ran ≈ 20% slower on ≈ 30% more CPU (docs/benchmarks.md).
   */
  prefetchKiB: z.number().int().min(1024).max(2_097_151).default(8192),
  maxPayloadBytes: z.number().int().min(1024).max(6_291_456).default(6_291_456),
  retry: z
    .strictObject({
      baseDelayMs: z.number().int().min(1).default(500),
      maxDelayMs: z.number().int().min(1).default(30_000),
    })
    .prefault({}),
  /** Retention of the failed-batch store (given-up batches kept for inspection and replay). */
  failedBatches: z
    .strictObject({
      maxAgeHours: z
        .number()
        .min(0)
        .default(14 * 24),
      maxPerMapping: z.number().int().min(1).default(10_000),
    })
    .prefault({}),
  /** Bound on draining in-flight batches at SIGTERM. */
  shutdownTimeoutMs: z.number().int().min(0).default(30_000),
  invokeTimeoutMs: z.number().int().min(1000).max(900_000).default(840_000),
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      pretty: z.boolean().default(false),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type SecretConfig = z.infer<typeof secretSchema>;
export type FunctionConfig = z.infer<typeof functionSchema>;
