/**
 * Mapping → Lambda's `EventSourceMappingConfiguration` JSON (lambda-esm.md §2.5, example §2.8).
 *
 * Choices where AWS behaviour is UNCONFIRMED (lambda-esm.md §9.3):
 * - `MaximumBatchingWindowInSeconds` is echoed only when the user set it. Under Kafka's 500 ms default
 *   no whole-second value is true: 0 would claim low-latency mode and 1 would be wrong, and a client that
 *   copies a Get response into an Update would silently change the window.
 * - `ConsumerGroupId` is echoed even when it defaulted to the UUID (so users can write ACLs for it).
 * - `MaximumRetryAttempts: -1` and `MaximumRecordAgeInSeconds: -1` are echoed as defaults.
 * Timestamps are epoch seconds with a fraction (restJson1). `Tags` are never part of the response.
 */
import type { Mapping } from './types.ts';

export type EventSourceMappingConfiguration = Record<string, unknown>;

export function toEventSourceMappingConfiguration(m: Mapping): EventSourceMappingConfiguration {
  const out: EventSourceMappingConfiguration = {
    UUID: m.uuid,
    EventSourceMappingArn: m.arn,
    StartingPosition: m.startingPosition,
  };
  if (m.startingPositionTimestampMs !== undefined) {
    out.StartingPositionTimestamp = m.startingPositionTimestampMs / 1000;
  }
  out.BatchSize = m.batchSize;
  if (m.maximumBatchingWindowInSeconds !== undefined) {
    out.MaximumBatchingWindowInSeconds = m.maximumBatchingWindowInSeconds;
  }
  if (m.eventSourceArn !== undefined) out.EventSourceArn = m.eventSourceArn;
  if (m.filterPatterns.length > 0) {
    out.FilterCriteria = { Filters: m.filterPatterns.map((Pattern) => ({ Pattern })) };
  }
  if (m.kmsKeyArn !== undefined) out.KMSKeyArn = m.kmsKeyArn;
  if (m.metrics.length > 0) out.MetricsConfig = { Metrics: [...m.metrics] };
  if (m.systemLogLevel !== undefined) out.LoggingConfig = { SystemLogLevel: m.systemLogLevel };
  out.FunctionArn = m.functionArn;
  out.LastModified = m.lastModifiedMs / 1000;
  out.LastProcessingResult = m.lastProcessingResult;
  out.State = m.state;
  out.StateTransitionReason = m.stateTransitionReason;
  if (m.onFailureDestination !== undefined) {
    out.DestinationConfig = { OnFailure: { Destination: m.onFailureDestination } };
  }
  out.Topics = [m.topic];
  if (m.sourceAccessConfigurations.length > 0) {
    out.SourceAccessConfigurations = m.sourceAccessConfigurations.map((c) => ({ Type: c.type, URI: c.uri }));
  }
  if (m.eventSource === 'SelfManagedKafka') {
    out.SelfManagedEventSource = { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [...m.bootstrapServers] } };
  }
  out.MaximumRecordAgeInSeconds = m.maximumRecordAgeSeconds;
  out.BisectBatchOnFunctionError = m.bisect;
  out.MaximumRetryAttempts = m.maximumRetryAttempts;
  if (m.reportBatchItemFailures) out.FunctionResponseTypes = ['ReportBatchItemFailures'];
  const kafka = kafkaConfig(m);
  if (m.eventSource === 'aws:kafka') out.AmazonManagedKafkaEventSourceConfig = kafka;
  else out.SelfManagedKafkaEventSourceConfig = kafka;
  if (m.provisionedPollerConfig !== undefined) {
    const p = m.provisionedPollerConfig;
    out.ProvisionedPollerConfig = {
      ...(p.minimumPollers === undefined ? {} : { MinimumPollers: p.minimumPollers }),
      ...(p.maximumPollers === undefined ? {} : { MaximumPollers: p.maximumPollers }),
      ...(p.pollerGroupName === undefined ? {} : { PollerGroupName: p.pollerGroupName }),
    };
  }
  return out;
}

function kafkaConfig(m: Mapping): Record<string, unknown> {
  const r = m.schemaRegistry;
  if (r === undefined) return { ConsumerGroupId: m.consumerGroupId };
  return {
    ConsumerGroupId: m.consumerGroupId,
    SchemaRegistryConfig: {
      SchemaRegistryURI: r.schemaRegistryUri,
      EventRecordFormat: r.eventRecordFormat,
      ...(r.accessConfigs.length === 0
        ? {}
        : { AccessConfigs: r.accessConfigs.map((c) => ({ Type: c.type, URI: c.uri })) }),
      ...(r.schemaValidationConfigs.length === 0
        ? {}
        : { SchemaValidationConfigs: r.schemaValidationConfigs.map((c) => ({ Attribute: c.attribute })) }),
    },
  };
}
