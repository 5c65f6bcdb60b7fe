/**
 * Field rules that need more than one member (or a known message), shared by create and update.
 * Pure: each returns the normalized value or throws a BridgeError `INVALID_PARAMETER`, whose message is
 * what the API answers in an InvalidParameterValueException.
 */
import { BridgeError } from '../errors.ts';
import { destinationHostAllowed } from './destination-hosts.ts';
import { isValidFilterPattern } from './filter-pattern.ts';
import type {
  DestinationConfigInput,
  FilterCriteriaInput,
  KafkaConfigInput,
  PollerConfigInput,
  SourceAccessConfigurationInput,
} from './schema.ts';
import { ARN_PATTERN, TOPIC_PATTERN } from './schema.ts';
import type {
  EventSourceKind,
  ProvisionedPollerConfig,
  SchemaRegistryConfig,
  SourceAccessConfiguration,
  SourceAccessType,
} from './types.ts';

export function invalid(message: string, context: Record<string, unknown> = {}): BridgeError {
  return new BridgeError('INVALID_PARAMETER', message, { context });
}

const AUTH_TYPES: ReadonlySet<SourceAccessType> = new Set([
  'BASIC_AUTH',
  'SASL_SCRAM_256_AUTH',
  'SASL_SCRAM_512_AUTH',
  'CLIENT_CERTIFICATE_TLS_AUTH',
]);

/** Types that carry authentication (a secret reference), as opposed to network/CA settings. */
export function isAuthType(type: SourceAccessType): boolean {
  return AUTH_TYPES.has(type);
}

/** Checks SourceAccessConfigurations against the source kind; returns them in internal form. */
export function accessConfigurations(
  kind: EventSourceKind,
  input: readonly SourceAccessConfigurationInput[],
): SourceAccessConfiguration[] {
  const out = input.map((c) => ({ type: c.Type, uri: c.URI }));
  for (const c of out) {
    if (c.type === 'VIRTUAL_HOST')
      throw invalid('VIRTUAL_HOST is supported only for Amazon MQ event sources.');
    if (kind === 'aws:kafka' && (c.type === 'BASIC_AUTH' || c.type.startsWith('VPC_'))) {
      throw invalid(`${c.type} is not supported for Amazon MSK event sources.`);
    }
  }
  if (out.filter((c) => isAuthType(c.type)).length > 1) {
    throw invalid('Only one authentication method may be given in SourceAccessConfigurations.');
  }
  if (out.filter((c) => c.type === 'SERVER_ROOT_CA_CERTIFICATE').length > 1) {
    throw invalid('Only one SERVER_ROOT_CA_CERTIFICATE may be given in SourceAccessConfigurations.');
  }
  return out;
}

/** OnFailure destination: empty (none), `kafka://<topic>` (not the source topic), an http(s) URL or an ARN. */
export function onFailureDestination(
  config: DestinationConfigInput | undefined,
  sourceTopic: string,
  /** Hosts an http(s) destination may name (src/mapping/destination-hosts.ts); none when absent. */
  destinationHosts?: readonly string[],
): string | undefined {
  if (config === undefined) return undefined;
  if (config.OnSuccess !== undefined) {
    throw invalid('Unsupported DestinationConfig parameter for given event source mapping type.');
  }
  const destination = config.OnFailure?.Destination ?? '';
  if (destination === '') return undefined;
  if (destination.startsWith('kafka://')) {
    const topic = destination.slice('kafka://'.length);
    if (!TOPIC_PATTERN.test(topic) || topic.length > 249) {
      throw invalid(`Invalid Kafka topic in OnFailure destination: ${destination}`);
    }
    if (topic === sourceTopic) {
      throw invalid('The OnFailure destination topic must differ from the event source topic.');
    }
    return destination;
  }
  if (ARN_PATTERN.test(destination)) return destination;
  // Beyond AWS: an HTTP endpoint receives the SQS/SNS-style failure record.
  if (/^https?:\/\//.test(destination)) {
    let url: URL;
    try {
      url = new URL(destination);
      if (url.username || url.password) throw new Error('credentials in URL');
    } catch {
      throw invalid(`Invalid HTTP OnFailure destination: ${destination.slice(0, 100)}`);
    }
    if (!destinationHostAllowed(url, destinationHosts)) {
      throw invalid(
        `HTTP OnFailure destination host ${url.host.slice(0, 100)} is not allowed: the operator lists the allowed hosts in destinationHosts (KLB_DESTINATION_HOSTS).`,
      );
    }
    return destination;
  }
  throw invalid('OnFailure Destination must be empty, kafka://<topic>, an http(s) URL or an ARN.');
}

/** Filter patterns, each a valid JSON pattern; `{}` or no Filters means none. */
export function filterPatterns(criteria: FilterCriteriaInput | undefined): string[] {
  const patterns = (criteria?.Filters ?? []).map((f) => f.Pattern);
  for (const p of patterns) {
    if (!isValidFilterPattern(p)) throw invalid('Invalid filter pattern definition.');
  }
  return patterns;
}

/** -1 (infinite) or 60..604800; the schema has already bounded it to -1..604800. */
export function recordAge(seconds: number): number {
  if (seconds >= 0 && seconds < 60) {
    throw invalid(
      `MaximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800; got ${seconds}.`,
    );
  }
  return seconds;
}

export function pollerConfig(input: PollerConfigInput | undefined): ProvisionedPollerConfig | undefined {
  if (input === undefined) return undefined;
  const out: { minimumPollers?: number; maximumPollers?: number; pollerGroupName?: string } = {};
  if (input.MinimumPollers !== undefined) out.minimumPollers = input.MinimumPollers;
  if (input.MaximumPollers !== undefined) out.maximumPollers = input.MaximumPollers;
  if (input.PollerGroupName !== undefined && input.PollerGroupName !== '') {
    out.pollerGroupName = input.PollerGroupName;
  }
  if ((out.maximumPollers ?? 200) < (out.minimumPollers ?? 1)) {
    throw invalid('ProvisionedPollerConfig MaximumPollers must be greater than or equal to MinimumPollers.');
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The Kafka config member matching the source kind; the other one is refused. */
export function kafkaConfigFor(
  kind: EventSourceKind,
  msk: KafkaConfigInput | undefined,
  selfManaged: KafkaConfigInput | undefined,
): KafkaConfigInput | undefined {
  if (kind === 'aws:kafka' && selfManaged !== undefined) {
    throw invalid('SelfManagedKafkaEventSourceConfig is only valid for self-managed Kafka event sources.');
  }
  if (kind === 'SelfManagedKafka' && msk !== undefined) {
    throw invalid('AmazonManagedKafkaEventSourceConfig is only valid for Amazon MSK event sources.');
  }
  return kind === 'aws:kafka' ? msk : selfManaged;
}

export function schemaRegistry(input: KafkaConfigInput | undefined): SchemaRegistryConfig | undefined {
  const r = input?.SchemaRegistryConfig;
  if (r === undefined) return undefined;
  if (!/^(arn:aws[a-zA-Z-]*:glue:|https?:\/\/)/.test(r.SchemaRegistryURI)) {
    throw invalid('SchemaRegistryURI must be an AWS Glue registry ARN or an http(s) URL.');
  }
  const accessConfigs = (r.AccessConfigs ?? []).map((c) => ({ type: c.Type, uri: c.URI }));
  if (new Set(accessConfigs.map((c) => c.type)).size !== accessConfigs.length) {
    throw invalid('SchemaRegistryConfig AccessConfigs must not repeat a Type.');
  }
  const validation = (r.SchemaValidationConfigs ?? []).map((c) => ({ attribute: c.Attribute }));
  if (new Set(validation.map((c) => c.attribute)).size !== validation.length) {
    throw invalid('SchemaRegistryConfig SchemaValidationConfigs must not repeat an Attribute.');
  }
  return {
    schemaRegistryUri: r.SchemaRegistryURI,
    eventRecordFormat: r.EventRecordFormat,
    accessConfigs,
    schemaValidationConfigs: validation,
  };
}

/** Tag keys starting with `aws:` are reserved by AWS. */
export function checkTagKeys(tags: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(tags)) {
    if (key.toLowerCase().startsWith('aws:') || key === '__proto__') {
      throw invalid(`Tag key is reserved: ${key}`);
    }
  }
}
