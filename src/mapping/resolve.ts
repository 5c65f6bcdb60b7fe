/**
 * Validated request → Mapping (create) and Mapping + update request → Mapping (update). Pure: the
 * clock, the new UUID and the cluster registry come in through `ResolveContext`.
 *
 * Defaults (lambda-esm.md §2.3): BatchSize 100, window 500 ms, Enabled true, retries -1, record age -1,
 * consumer group = UUID. Errors are BridgeErrors: `INVALID_PARAMETER` (→ InvalidParameterValueException)
 * or `CONFLICT` in-use (→ ResourceInUseException, from state.ts).
 */
import { mappingArn, resolveFunctionArn } from './function-arn.ts';
import {
  accessConfigurations,
  filterPatterns,
  invalid,
  isAuthType,
  kafkaConfigFor,
  onFailureDestination,
  pollerConfig,
  recordAge,
  schemaRegistry,
} from './rules.ts';
import type { CreateRequest, KafkaConfigInput, UpdateRequest } from './schema.ts';
import { CREATE_ONLY_MEMBERS, NON_KAFKA_MEMBERS } from './schema.ts';
import { stateAfterUpdate } from './state.ts';
import type { ClusterRegistry, EventSourceKind, Mapping, SourceAccessConfiguration } from './types.ts';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCHING_WINDOW_MS,
  NO_RECORDS_PROCESSED,
  USER_INITIATED,
} from './types.ts';

export interface ResolveContext {
  readonly region: string;
  readonly accountId: string;
  readonly clusters: ClusterRegistry;
  /** Hosts an http(s) OnFailure destination may name (config destinationHosts); none when absent. */
  readonly destinationHosts?: readonly string[];
  /** Epoch ms. */
  readonly now: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function rejectMembers(input: Record<string, unknown>, names: readonly string[], why: string): void {
  for (const name of names) {
    if (input[name] !== undefined) throw invalid(`${name} ${why}`);
  }
}

function functionArnOf(functionName: string, ctx: ResolveContext): string {
  const arn = resolveFunctionArn(functionName, ctx);
  if (arn === undefined) throw invalid(`Invalid FunctionName: ${functionName}`);
  return arn;
}

interface Source {
  kind: EventSourceKind;
  eventSourceArn?: string;
  bootstrapServers: readonly string[];
  clusterAuth: readonly SourceAccessConfiguration[];
}

function resolveSource(input: CreateRequest, clusters: ClusterRegistry): Source {
  const arn = input.EventSourceArn;
  const endpoints = input.SelfManagedEventSource?.Endpoints.KAFKA_BOOTSTRAP_SERVERS;
  if (arn !== undefined && endpoints !== undefined) {
    throw invalid('EventSourceArn and SelfManagedEventSource cannot both be specified.');
  }
  if (endpoints !== undefined) {
    for (const e of endpoints) {
      const port = Number(e.slice(e.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) throw invalid(`Invalid port in bootstrap server: ${e}`);
    }
    return { kind: 'SelfManagedKafka', bootstrapServers: [...endpoints], clusterAuth: [] };
  }
  if (arn === undefined) throw invalid('Unrecognized event source.');
  if (!/^arn:aws[a-zA-Z-]*:kafka:/.test(arn)) {
    throw invalid('Unsupported event source type: only Amazon MSK and self-managed Kafka are supported.');
  }
  const cluster = clusters.get(arn);
  if (cluster === undefined || cluster.bootstrapServers.length === 0) {
    throw invalid(`Unknown Amazon MSK cluster: ${arn}. Add it to the bridge's cluster registry.`);
  }
  return {
    kind: 'aws:kafka',
    eventSourceArn: arn,
    bootstrapServers: [...cluster.bootstrapServers],
    clusterAuth: [...(cluster.sourceAccessConfigurations ?? [])],
  };
}

function startingTimestampMs(input: CreateRequest, now: number): number | undefined {
  const ts = input.StartingPositionTimestamp;
  if (input.StartingPosition === 'AT_TIMESTAMP') {
    if (ts === undefined) throw invalid('StartingPositionTimestamp is required with AT_TIMESTAMP.');
    const ms = typeof ts === 'number' ? Math.round(ts * 1000) : Date.parse(ts);
    if (ms > now) throw invalid('StartingPositionTimestamp must not be in the future.');
    return ms;
  }
  if (ts !== undefined) throw invalid('StartingPositionTimestamp is only valid with AT_TIMESTAMP.');
  return undefined;
}

/** The auth the runtime uses: the user's auth entries if any, else the cluster's defaults. */
function effectiveAuth(
  own: readonly SourceAccessConfiguration[],
  cluster: readonly SourceAccessConfiguration[],
): SourceAccessConfiguration[] {
  return own.some((c) => isAuthType(c.type)) ? [...own] : [...own, ...cluster];
}

/** A new Mapping in state Creating. */
export function createMapping(input: CreateRequest, uuid: string, ctx: ResolveContext): Mapping {
  rejectMembers(input, NON_KAFKA_MEMBERS, 'is not supported for Kafka event sources.');
  const source = resolveSource(input, ctx.clusters);
  const topic = input.Topics?.[0];
  if (topic === undefined) throw invalid('Topics is required for Kafka event sources (exactly one topic).');
  if (input.StartingPosition === undefined)
    throw invalid('StartingPosition is required for Kafka event sources.');
  const kafka = kafkaConfigFor(
    source.kind,
    input.AmazonManagedKafkaEventSourceConfig,
    input.SelfManagedKafkaEventSourceConfig,
  );
  const sac = accessConfigurations(source.kind, input.SourceAccessConfigurations ?? []);
  const m: Mutable<Mapping> = {
    uuid,
    arn: mappingArn(uuid, ctx),
    functionName: input.FunctionName,
    functionArn: functionArnOf(input.FunctionName, ctx),
    eventSource: source.kind,
    topic,
    bootstrapServers: source.bootstrapServers,
    sourceAccessConfigurations: sac,
    connectionAuth: effectiveAuth(sac, source.clusterAuth),
    startingPosition: input.StartingPosition,
    batchSize: input.BatchSize ?? DEFAULT_BATCH_SIZE,
    batchingWindowMs: DEFAULT_BATCHING_WINDOW_MS,
    enabled: input.Enabled ?? true,
    filterPatterns: filterPatterns(input.FilterCriteria),
    consumerGroupId: kafka?.ConsumerGroupId ?? uuid,
    maximumRetryAttempts: input.MaximumRetryAttempts ?? -1,
    maximumRecordAgeSeconds: recordAge(input.MaximumRecordAgeInSeconds ?? -1),
    bisect: input.BisectBatchOnFunctionError ?? false,
    reportBatchItemFailures: (input.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    metrics: [...new Set(input.MetricsConfig?.Metrics ?? [])],
    state: 'Creating',
    stateTransitionReason: USER_INITIATED,
    lastProcessingResult: NO_RECORDS_PROCESSED,
    lastModifiedMs: ctx.now,
    version: 1,
  };
  if (source.eventSourceArn !== undefined) m.eventSourceArn = source.eventSourceArn;
  const tsMs = startingTimestampMs(input, ctx.now);
  if (tsMs !== undefined) m.startingPositionTimestampMs = tsMs;
  if (input.MaximumBatchingWindowInSeconds !== undefined) {
    m.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
    m.batchingWindowMs = input.MaximumBatchingWindowInSeconds * 1000;
  }
  applyOptionalConfig(m, input, kafka, ctx);
  return m;
}

/** Members whose absence in the request means "leave as is" and whose presence replaces. */
function applyOptionalConfig(
  m: Mutable<Mapping>,
  input: CreateRequest | UpdateRequest,
  kafka: KafkaConfigInput | undefined,
  ctx: ResolveContext,
): void {
  if (input.DestinationConfig !== undefined) {
    setOrDelete(
      m,
      'onFailureDestination',
      onFailureDestination(input.DestinationConfig, m.topic, ctx.destinationHosts),
    );
  }
  if (input.ProvisionedPollerConfig !== undefined) {
    setOrDelete(m, 'provisionedPollerConfig', pollerConfig(input.ProvisionedPollerConfig));
  }
  if (kafka !== undefined) {
    setOrDelete(m, 'schemaRegistry', schemaRegistry(kafka));
  }
  if (input.LoggingConfig !== undefined) setOrDelete(m, 'systemLogLevel', input.LoggingConfig.SystemLogLevel);
  if (input.KMSKeyArn !== undefined) setOrDelete(m, 'kmsKeyArn', input.KMSKeyArn || undefined);
}

function setOrDelete<K extends keyof Mapping>(
  m: Mutable<Mapping>,
  key: K,
  value: Mapping[K] | undefined,
): void {
  if (value === undefined) delete m[key];
  else m[key] = value;
}

/** The mapping after an UpdateEventSourceMapping request, in Updating/Enabling/Disabling. */
export function updateMapping(current: Mapping, input: UpdateRequest, ctx: ResolveContext): Mapping {
  rejectMembers(input, CREATE_ONLY_MEMBERS, 'cannot be updated; create a new event source mapping instead.');
  rejectMembers(input, NON_KAFKA_MEMBERS, 'is not supported for Kafka event sources.');
  const kafka = kafkaConfigFor(
    current.eventSource,
    input.AmazonManagedKafkaEventSourceConfig,
    input.SelfManagedKafkaEventSourceConfig,
  );
  if (kafka?.ConsumerGroupId !== undefined && kafka.ConsumerGroupId !== current.consumerGroupId) {
    throw invalid('ConsumerGroupId cannot be updated; create a new event source mapping instead.');
  }
  const state = stateAfterUpdate(current, input.Enabled);
  const m: Mutable<Mapping> = {
    ...current,
    state,
    stateTransitionReason: USER_INITIATED,
    lastModifiedMs: ctx.now,
  };
  if (input.FunctionName !== undefined) {
    m.functionName = input.FunctionName;
    m.functionArn = functionArnOf(input.FunctionName, ctx);
  }
  if (input.Enabled !== undefined) m.enabled = input.Enabled;
  if (input.BatchSize !== undefined) m.batchSize = input.BatchSize;
  if (input.MaximumBatchingWindowInSeconds !== undefined) {
    m.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
    m.batchingWindowMs = input.MaximumBatchingWindowInSeconds * 1000;
  }
  if (input.FilterCriteria !== undefined) m.filterPatterns = filterPatterns(input.FilterCriteria);
  if (input.MaximumRetryAttempts !== undefined) m.maximumRetryAttempts = input.MaximumRetryAttempts;
  if (input.MaximumRecordAgeInSeconds !== undefined) {
    m.maximumRecordAgeSeconds = recordAge(input.MaximumRecordAgeInSeconds);
  }
  if (input.BisectBatchOnFunctionError !== undefined) m.bisect = input.BisectBatchOnFunctionError;
  if (input.FunctionResponseTypes !== undefined) {
    m.reportBatchItemFailures = input.FunctionResponseTypes.includes('ReportBatchItemFailures');
  }
  if (input.MetricsConfig !== undefined) m.metrics = [...new Set(input.MetricsConfig.Metrics ?? [])];
  if (input.SourceAccessConfigurations !== undefined) {
    const arn = current.eventSourceArn;
    const clusterAuth = arn === undefined ? [] : (ctx.clusters.get(arn)?.sourceAccessConfigurations ?? []);
    m.sourceAccessConfigurations = accessConfigurations(
      current.eventSource,
      input.SourceAccessConfigurations,
    );
    m.connectionAuth = effectiveAuth(m.sourceAccessConfigurations, clusterAuth);
  }
  applyOptionalConfig(m, input, kafka, ctx);
  return m;
}
