/**
 * Request shapes of Create/UpdateEventSourceMapping and the tag operations, as zod schemas.
 *
 * These check shape and per-field bounds only (lambda-esm.md §2.3, §7); rules that need more than one
 * field, the cluster registry or the clock live in `resolve.ts`. Unknown members are rejected (strict
 * objects). Members that exist in Lambda's API but not for Kafka (ParallelizationFactor, Queues, …) are
 * listed so they get a precise "not supported" message instead of "unrecognized".
 */
import { z } from 'zod';
import { SOURCE_ACCESS_TYPES, STARTING_POSITIONS } from './types.ts';

/** Topic name rule of the Lambda model (`Topic`). */
export const TOPIC_PATTERN = /^[^.]([a-zA-Z0-9\-_.]+)$/;
/** `ConsumerGroupId` rule of the Lambda model. */
export const CONSUMER_GROUP_PATTERN = /^[a-zA-Z0-9-/*:_+=.@-]*$/;
/** `Endpoint` rule of the Lambda model: host:port. */
export const ENDPOINT_PATTERN =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]):[0-9]{1,5}$/;
/** `FunctionName` rule of the Lambda model (name, partial ARN or ARN, optional qualifier). */
export const FUNCTION_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
/** `Arn` rule of the Lambda model, used for EventSourceArn. */
export const ARN_PATTERN =
  /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
/** A secret or network reference: a URI scheme, then the model's `URI` alphabet. */
export const ACCESS_URI_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:[a-zA-Z0-9\-/*:_+=.@-]+$/;
export const KMS_KEY_ARN_PATTERN = /^arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*$/;
export const POLLER_GROUP_PATTERN = /^[a-zA-Z0-9-_]*$/;
/** Tag keys and values (Lambda's `TagKey`/`TagValue` alphabet). */
export const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Lambda members that never apply to a Kafka event source (lambda-esm.md §2.3, last row). */
export const NON_KAFKA_MEMBERS = [
  'ParallelizationFactor',
  'TumblingWindowInSeconds',
  'Queues',
  'ScalingConfig',
  'DocumentDBEventSourceConfig',
] as const;

/** Members accepted on create but not on update (lambda-esm.md §2.4). */
export const CREATE_ONLY_MEMBERS = [
  'EventSourceArn',
  'Topics',
  'StartingPosition',
  'StartingPositionTimestamp',
  'SelfManagedEventSource',
  'Tags',
] as const;

const int = (min: number, max: number) => z.int().min(min).max(max);

const accessUri = z.string().min(1).max(200).regex(ACCESS_URI_PATTERN);

export const sourceAccessConfigurationSchema = z.strictObject({
  Type: z.enum(SOURCE_ACCESS_TYPES),
  URI: accessUri,
});

const schemaRegistrySchema = z.strictObject({
  SchemaRegistryURI: z.string().min(1).max(10000),
  EventRecordFormat: z.enum(['JSON', 'SOURCE']),
  AccessConfigs: z
    .array(
      z.strictObject({
        Type: z.enum(['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE']),
        URI: accessUri,
      }),
    )
    .max(3)
    .optional(),
  SchemaValidationConfigs: z
    .array(z.strictObject({ Attribute: z.enum(['KEY', 'VALUE']) }))
    .max(2)
    .optional(),
});

const kafkaConfigSchema = z.strictObject({
  ConsumerGroupId: z.string().min(1).max(200).regex(CONSUMER_GROUP_PATTERN).optional(),
  SchemaRegistryConfig: schemaRegistrySchema.optional(),
});

const filterCriteriaSchema = z.strictObject({
  Filters: z
    .array(z.strictObject({ Pattern: z.string().min(1).max(4096) }))
    .max(5)
    .optional(),
});

const destinationConfigSchema = z.strictObject({
  OnFailure: z.strictObject({ Destination: z.string().max(350).optional() }).optional(),
  OnSuccess: z.strictObject({ Destination: z.string().max(350).optional() }).optional(),
});

const provisionedPollerSchema = z.strictObject({
  MinimumPollers: int(1, 200).optional(),
  MaximumPollers: int(1, 2000).optional(),
  PollerGroupName: z.string().max(128).regex(POLLER_GROUP_PATTERN).optional(),
});

const metricsConfigSchema = z.strictObject({
  Metrics: z
    .array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics']))
    .max(3)
    .optional(),
});

const loggingConfigSchema = z.strictObject({ SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional() });

export const tagsSchema = z
  .record(z.string().min(1).max(128).regex(TAG_KEY_PATTERN), z.string().max(256).regex(TAG_VALUE_PATTERN))
  .refine((tags) => Object.keys(tags).length <= 50, 'Member must have at most 50 tags');

/** Epoch seconds (what the SDK and CLI send) or an ISO-8601 string (curl users), as epoch ms. */
const timestampSchema = z.union([
  z.number().finite().min(0).max(253402300799),
  z.iso.datetime({ offset: true }),
]);

/** Members common to create and update, all optional here. */
const mutableMembers = {
  FunctionName: z.string().min(1).max(256).regex(FUNCTION_NAME_PATTERN),
  Enabled: z.boolean(),
  BatchSize: int(1, 10000),
  FilterCriteria: filterCriteriaSchema,
  KMSKeyArn: z.union([z.literal(''), z.string().max(2048).regex(KMS_KEY_ARN_PATTERN)]),
  MetricsConfig: metricsConfigSchema,
  LoggingConfig: loggingConfigSchema,
  MaximumBatchingWindowInSeconds: int(0, 300),
  DestinationConfig: destinationConfigSchema,
  MaximumRecordAgeInSeconds: int(-1, 604800),
  BisectBatchOnFunctionError: z.boolean(),
  MaximumRetryAttempts: int(-1, 10000),
  SourceAccessConfigurations: z.array(sourceAccessConfigurationSchema).max(22),
  FunctionResponseTypes: z.array(z.enum(['ReportBatchItemFailures'])).max(1),
  AmazonManagedKafkaEventSourceConfig: kafkaConfigSchema,
  SelfManagedKafkaEventSourceConfig: kafkaConfigSchema,
  ProvisionedPollerConfig: provisionedPollerSchema,
};

const nonKafka = Object.fromEntries(NON_KAFKA_MEMBERS.map((name) => [name, z.unknown()])) as Record<
  (typeof NON_KAFKA_MEMBERS)[number],
  z.ZodUnknown
>;

/** CreateEventSourceMapping request body. */
export const createRequestSchema = z.strictObject({
  ...partial(mutableMembers),
  FunctionName: mutableMembers.FunctionName,
  EventSourceArn: z.string().min(12).max(1024).regex(ARN_PATTERN).optional(),
  StartingPosition: z.enum(STARTING_POSITIONS).optional(),
  StartingPositionTimestamp: timestampSchema.optional(),
  Topics: z.array(z.string().min(1).max(249).regex(TOPIC_PATTERN)).length(1).optional(),
  SelfManagedEventSource: z
    .strictObject({
      Endpoints: z.strictObject({
        KAFKA_BOOTSTRAP_SERVERS: z.array(z.string().min(1).max(300).regex(ENDPOINT_PATTERN)).min(1).max(10),
      }),
    })
    .optional(),
  Tags: tagsSchema.optional(),
  ...partial(nonKafka),
});

/** UpdateEventSourceMapping request body (the UUID is in the path). */
export const updateRequestSchema = z.strictObject({
  ...partial(mutableMembers),
  ...partial(Object.fromEntries(CREATE_ONLY_MEMBERS.map((name) => [name, z.unknown()]))),
  ...partial(nonKafka),
});

/** TagResource request body. */
export const tagResourceSchema = z.strictObject({ Tags: tagsSchema });

export type CreateRequest = z.infer<typeof createRequestSchema>;
export type UpdateRequest = z.infer<typeof updateRequestSchema>;
export type SourceAccessConfigurationInput = z.infer<typeof sourceAccessConfigurationSchema>;
export type KafkaConfigInput = z.infer<typeof kafkaConfigSchema>;
export type FilterCriteriaInput = z.infer<typeof filterCriteriaSchema>;
export type DestinationConfigInput = z.infer<typeof destinationConfigSchema>;
export type PollerConfigInput = z.infer<typeof provisionedPollerSchema>;

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}
