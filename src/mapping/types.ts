/**
 * The event source mapping (ESM) as the bridge holds it: one Kafka topic feeding one function.
 *
 * `Mapping` is the resolved, validated view shared by the admin API (which writes it) and the runtime
 * (which reads it, and moves `state` on through the store). Every field is already defaulted and
 * checked: code that receives a `Mapping` trusts it. The AWS-facing JSON shape lives in `response.ts`;
 * nothing here is PascalCase.
 *
 * Wire facts (lambda-esm.md §2): one topic per mapping; batch size 1..10000; batching window 0..300 s
 * (Kafka default 500 ms); retries -1 (infinite) or 0..10000; record age -1 (infinite) or 60..604800 s.
 */

/** Where the records come from: Amazon MSK (resolved through the cluster registry) or any Kafka cluster. */
export type EventSourceKind = 'aws:kafka' | 'SelfManagedKafka';

export const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

/** Lambda's documented ESM states (lambda-esm.md §4.2). */
export const MAPPING_STATES = [
  'Creating',
  'Enabling',
  'Enabled',
  'Disabling',
  'Disabled',
  'Updating',
  'Deleting',
] as const;
export type MappingState = (typeof MAPPING_STATES)[number];

/** Lambda's `SourceAccessType` enum; `VIRTUAL_HOST` exists for RabbitMQ only and is refused for Kafka. */
export const SOURCE_ACCESS_TYPES = [
  'BASIC_AUTH',
  'VPC_SUBNET',
  'VPC_SECURITY_GROUP',
  'SASL_SCRAM_512_AUTH',
  'SASL_SCRAM_256_AUTH',
  'VIRTUAL_HOST',
  'CLIENT_CERTIFICATE_TLS_AUTH',
  'SERVER_ROOT_CA_CERTIFICATE',
] as const;
export type SourceAccessType = (typeof SOURCE_ACCESS_TYPES)[number];

/**
 * A connection setting. For the auth types `uri` is a *reference* to a secret (a Secrets Manager ARN,
 * or any URI scheme the runtime's secret resolver understands), never the secret itself.
 */
export interface SourceAccessConfiguration {
  readonly type: SourceAccessType;
  readonly uri: string;
}

/** Schema registry settings (lambda-esm.md §6), kept as given; access config URIs are secret references. */
export interface SchemaRegistryConfig {
  readonly schemaRegistryUri: string;
  readonly eventRecordFormat: 'JSON' | 'SOURCE';
  readonly accessConfigs: readonly {
    readonly type: 'BASIC_AUTH' | 'CLIENT_CERTIFICATE_TLS_AUTH' | 'SERVER_ROOT_CA_CERTIFICATE';
    readonly uri: string;
  }[];
  readonly schemaValidationConfigs: readonly { readonly attribute: 'KEY' | 'VALUE' }[];
}

/** Provisioned-mode poller settings, echoed only; a self-hosted bridge has no pricing modes. */
export interface ProvisionedPollerConfig {
  readonly minimumPollers?: number;
  readonly maximumPollers?: number;
  readonly pollerGroupName?: string;
}

/** A known MSK cluster: what an `arn:aws:kafka:…` EventSourceArn resolves to. */
export interface KafkaCluster {
  /** `host:port` entries, at least one. */
  readonly bootstrapServers: readonly string[];
  /** Auth used when the mapping itself names none (secret references, same shape as the mapping's). */
  readonly sourceAccessConfigurations?: readonly SourceAccessConfiguration[];
}

/** Cluster ARN → cluster. A `ReadonlyMap<string, KafkaCluster>` satisfies it. */
export interface ClusterRegistry {
  get(clusterArn: string): KafkaCluster | undefined;
}

/**
 * One event source mapping, fully resolved. Written by the admin API, read by the runtime.
 * The runtime changes only `state`/`stateTransitionReason` (store.setState), `lastProcessingResult`
 * (store.setLastProcessingResult) and removes mappings in `Deleting` (store.remove).
 */
export interface Mapping {
  /** Lambda's ESM id (lower-case v4 UUID); also the default consumer group id. */
  readonly uuid: string;
  /** `arn:<partition>:lambda:<region>:<account>:event-source-mapping:<uuid>`. */
  readonly arn: string;
  /** The FunctionName exactly as the user gave it (name, partial ARN or ARN, maybe qualified). */
  readonly functionName: string;
  /** The resolved, possibly qualified, function ARN; what the runtime invokes. */
  readonly functionArn: string;
  readonly eventSource: EventSourceKind;
  /** MSK cluster ARN; absent for self-managed Kafka. */
  readonly eventSourceArn?: string;
  /** The one topic this mapping reads. */
  readonly topic: string;
  /** Broker list: from the cluster registry at create time (MSK) or SelfManagedEventSource. */
  readonly bootstrapServers: readonly string[];
  /** SourceAccessConfigurations as the user gave them (echoed by the API). */
  readonly sourceAccessConfigurations: readonly SourceAccessConfiguration[];
  /**
   * The auth the runtime should use: the user's auth entries if any, else the MSK cluster's defaults
   * from the registry. Secret references only.
   */
  readonly connectionAuth: readonly SourceAccessConfiguration[];
  readonly startingPosition: StartingPosition;
  /** Epoch milliseconds; set only for AT_TIMESTAMP. */
  readonly startingPositionTimestampMs?: number;
  /** 1..10000 records per invoke. */
  readonly batchSize: number;
  /** Effective batching window in ms: 500 unless the user set MaximumBatchingWindowInSeconds. */
  readonly batchingWindowMs: number;
  /** The MaximumBatchingWindowInSeconds the user set, if any (echo only; see response.ts). */
  readonly maximumBatchingWindowInSeconds?: number;
  /** User intent. The runtime polls only when this is true and the state allows it. */
  readonly enabled: boolean;
  /** Filter patterns (EventBridge JSON strings, each validated); records matching any are kept. */
  readonly filterPatterns: readonly string[];
  /** Kafka consumer group; defaults to the UUID. */
  readonly consumerGroupId: string;
  readonly schemaRegistry?: SchemaRegistryConfig;
  /** `kafka://<topic>` or an ARN; absent when no on-failure destination. */
  readonly onFailureDestination?: string;
  /** -1 = infinite. */
  readonly maximumRetryAttempts: number;
  /** -1 = infinite, else 60..604800. */
  readonly maximumRecordAgeSeconds: number;
  /** BisectBatchOnFunctionError. */
  readonly bisect: boolean;
  /** FunctionResponseTypes contains ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  readonly provisionedPollerConfig?: ProvisionedPollerConfig;
  /** MetricsConfig.Metrics (EventCount, ErrorCount, KafkaMetrics). */
  readonly metrics: readonly string[];
  /** LoggingConfig.SystemLogLevel. */
  readonly systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** Echo only: the bridge does not encrypt filter criteria. */
  readonly kmsKeyArn?: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  /** "No records processed" until the runtime reports; then e.g. "OK" or "PROBLEM: …". */
  readonly lastProcessingResult: string;
  /** Epoch ms of the last config or state change. */
  readonly lastModifiedMs: number;
  /** Bumped on every write; the store uses it for compare-and-set. */
  readonly version: number;
}

/** Tag map (TagResource / Tags on create). Never part of the mapping response. */
export type Tags = Readonly<Record<string, string>>;

/** What a change notice says; the runtime re-reads the mapping (or lists all, for `resync`). */
export interface MappingChange {
  readonly uuid: string;
  readonly kind: 'created' | 'updated' | 'state' | 'deleting' | 'removed' | 'resync';
}

/** LastProcessingResult of a new mapping (lambda-esm.md §4.1). */
export const NO_RECORDS_PROCESSED = 'No records processed';
/** StateTransitionReason for admin-driven changes (AWS's create output, lambda-esm.md §4.3). */
export const USER_INITIATED = 'USER_INITIATED';
/** Kafka's default batching window (lambda-esm.md §3.2). */
export const DEFAULT_BATCHING_WINDOW_MS = 500;
export const DEFAULT_BATCH_SIZE = 100;
