/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of the whole admin API. Request bodies are generated
 * from the same zod schemas that validate them, so the document cannot drift from the code.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { createRequestSchema, tagResourceSchema, updateRequestSchema } from '../../mapping/schema.ts';
import { MAPPING_STATES } from '../../mapping/types.ts';
import type { AdminEnv } from '../app.ts';
import { LAMBDA_ERROR_TYPES } from '../errors.ts';
import { failedBatchPaths, failedBatchSchemas } from './failed-batches-openapi.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  return rest;
}

const errorResponse = (description: string) => ({
  description,
  headers: { 'x-amzn-ErrorType': { schema: { type: 'string', enum: Object.keys(LAMBDA_ERROR_TYPES) } } },
  content: json(ref('Error')),
});

const errors = {
  '400': errorResponse(
    'InvalidParameterValueException, InvalidRequestContentException or ResourceInUseException',
  ),
  '403': errorResponse('Authentication failed'),
  '404': errorResponse('ResourceNotFoundException'),
  '413': errorResponse('RequestTooLargeException (body over 256 KB)'),
};

const uuidParam = { name: 'UUID', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const arnParam = { name: 'ARN', in: 'path', required: true, schema: { type: 'string' } };
const mappingResponse = (status: string, description: string) => ({
  [status]: { description, content: json(ref('EventSourceMappingConfiguration')) },
});

const mappingConfiguration = {
  type: 'object',
  properties: {
    UUID: { type: 'string' },
    EventSourceMappingArn: { type: 'string' },
    EventSourceArn: { type: 'string' },
    FunctionArn: { type: 'string' },
    Topics: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1 },
    StartingPosition: { type: 'string', enum: ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] },
    StartingPositionTimestamp: { type: 'number', description: 'epoch seconds' },
    BatchSize: { type: 'integer' },
    MaximumBatchingWindowInSeconds: {
      type: 'integer',
      description: 'absent while the 500 ms default applies',
    },
    FilterCriteria: { type: 'object' },
    DestinationConfig: { type: 'object' },
    SourceAccessConfigurations: { type: 'array', items: { type: 'object' } },
    SelfManagedEventSource: { type: 'object' },
    AmazonManagedKafkaEventSourceConfig: { type: 'object' },
    SelfManagedKafkaEventSourceConfig: { type: 'object' },
    ProvisionedPollerConfig: { type: 'object' },
    MetricsConfig: { type: 'object' },
    LoggingConfig: { type: 'object' },
    KMSKeyArn: { type: 'string' },
    MaximumRetryAttempts: { type: 'integer' },
    MaximumRecordAgeInSeconds: { type: 'integer' },
    BisectBatchOnFunctionError: { type: 'boolean' },
    FunctionResponseTypes: { type: 'array', items: { type: 'string', enum: ['ReportBatchItemFailures'] } },
    LastModified: { type: 'number', description: 'epoch seconds with fraction' },
    LastProcessingResult: { type: 'string' },
    State: { type: 'string', enum: [...MAPPING_STATES] },
    StateTransitionReason: { type: 'string' },
  },
};

/** The OpenAPI document (built once). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const mappingOps = {
    post: {
      operationId: 'CreateEventSourceMapping',
      requestBody: { required: true, content: json(ref('CreateEventSourceMappingRequest')) },
      responses: {
        ...mappingResponse('202', 'Created (State Creating)'),
        ...errors,
        '409': errorResponse('ResourceConflictException'),
      },
    },
    get: {
      operationId: 'ListEventSourceMappings',
      parameters: [
        { name: 'EventSourceArn', in: 'query', schema: { type: 'string' } },
        { name: 'FunctionName', in: 'query', schema: { type: 'string' } },
        { name: 'Marker', in: 'query', schema: { type: 'string' } },
        { name: 'MaxItems', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
      ],
      responses: {
        '200': {
          description: 'One page (at most 100)',
          content: json(ref('ListEventSourceMappingsResponse')),
        },
        ...errors,
      },
    },
  };
  const paths = {
    '/2015-03-31/event-source-mappings': mappingOps,
    '/2015-03-31/event-source-mappings/': mappingOps,
    '/2015-03-31/event-source-mappings/{UUID}': {
      parameters: [uuidParam],
      get: {
        operationId: 'GetEventSourceMapping',
        responses: { ...mappingResponse('200', 'The mapping'), ...errors },
      },
      put: {
        operationId: 'UpdateEventSourceMapping',
        requestBody: { required: true, content: json(ref('UpdateEventSourceMappingRequest')) },
        responses: {
          ...mappingResponse('202', 'Updating'),
          ...errors,
          '409': errorResponse('ResourceConflictException'),
        },
      },
      delete: {
        operationId: 'DeleteEventSourceMapping',
        responses: { ...mappingResponse('202', 'Deleting'), ...errors },
      },
    },
    ...failedBatchPaths({ uuidParam, errors }),
    '/2015-03-31/event-source-mappings/{UUID}/partitions': {
      parameters: [uuidParam],
      get: {
        operationId: 'GetPartitionHealth',
        description:
          'Per-partition health as every instance last published it: owner, buffered records, the batch in flight, failed attempts, last error, State OK | Retrying | Stuck.',
        responses: {
          '200': {
            description: 'The partitions of the mapping',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
          ...errors,
        },
      },
    },
    '/2017-03-31/tags/{ARN}': {
      parameters: [arnParam],
      get: {
        operationId: 'ListTags',
        responses: { '200': { description: 'Tags', content: json(ref('Tags')) }, ...errors },
      },
      post: {
        operationId: 'TagResource',
        requestBody: { required: true, content: json(ref('TagResourceRequest')) },
        responses: { '204': { description: 'Tagged' }, ...errors },
      },
      delete: {
        operationId: 'UntagResource',
        parameters: [
          {
            name: 'tagKeys',
            in: 'query',
            required: true,
            schema: { type: 'array', items: { type: 'string' } },
          },
        ],
        responses: { '204': { description: 'Untagged' }, ...errors },
      },
    },
    '/health': {
      get: {
        operationId: 'Health',
        security: [],
        responses: { '200': { description: 'ok' }, '503': { description: 'unhealthy' } },
      },
    },
    '/metrics': {
      get: {
        operationId: 'Metrics',
        responses: {
          '200': {
            description: 'Prometheus text',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/openapi.json': {
      get: { operationId: 'OpenApi', security: [], responses: { '200': { description: 'This document' } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'kafka-lambda-bridge admin API',
      version: '2015-03-31',
      description: 'AWS Lambda-compatible event source mapping API for Kafka and Amazon MSK.',
    },
    security: [{ bearer: [] }, { sigv4: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS SigV4, service lambda',
        },
      },
      schemas: {
        CreateEventSourceMappingRequest: jsonSchema(createRequestSchema),
        UpdateEventSourceMappingRequest: jsonSchema(updateRequestSchema),
        TagResourceRequest: jsonSchema(tagResourceSchema),
        Tags: {
          type: 'object',
          properties: { Tags: { type: 'object', additionalProperties: { type: 'string' } } },
        },
        EventSourceMappingConfiguration: mappingConfiguration,
        ListEventSourceMappingsResponse: {
          type: 'object',
          properties: {
            NextMarker: { type: 'string' },
            EventSourceMappings: { type: 'array', items: ref('EventSourceMappingConfiguration') },
          },
        },
        ...failedBatchSchemas,
        Error: {
          type: 'object',
          properties: { Type: { type: 'string' }, message: { type: 'string' }, Message: { type: 'string' } },
        },
      },
    },
  };
}

export function openApiRoutes(): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const document = buildOpenApiDocument();
  app.get('/', (c) => c.json(document, 200));
  return app;
}
