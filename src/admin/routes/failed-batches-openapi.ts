/**
 * The OpenAPI paths and schemas of the failed-batch and replay routes (failed-batches.ts), merged into
 * the document by openapi.ts. The replay request schema comes from the zod schema that validates it.
 */
import { z } from 'zod';
import { replayRequestSchema } from '../../failure/api.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });

const batchIdParam = {
  name: 'Id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^\\d+-\\d+-\\d+$' },
  description: '<partition>-<firstOffset>-<lastOffset>',
};
const replayIdParam = { name: 'ReplayId', in: 'path', required: true, schema: { type: 'string' } };
const timeQuery = (name: string) => ({
  name,
  in: 'query',
  schema: { type: 'string' },
  description: 'epoch seconds or ISO-8601, compared with the time the batch was stored',
});

/** Paths under the mapping API; `common` holds the shared UUID parameter and error responses. */
export function failedBatchPaths(common: { uuidParam: object; errors: object }): Record<string, object> {
  const { uuidParam, errors } = common;
  return {
    '/2015-03-31/event-source-mappings/{UUID}/failed-batches': {
      parameters: [uuidParam],
      get: {
        operationId: 'ListFailedBatches',
        parameters: [
          timeQuery('FromTime'),
          timeQuery('ToTime'),
          { name: 'Partition', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'ErrorContains', in: 'query', schema: { type: 'string', maxLength: 256 } },
          { name: 'State', in: 'query', schema: { type: 'string', enum: ['Failed', 'Replayed'] } },
          { name: 'Marker', in: 'query', schema: { type: 'string' } },
          { name: 'MaxItems', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: {
          '200': { description: 'One page, oldest first', content: json(ref('ListFailedBatchesResponse')) },
          ...errors,
        },
      },
    },
    '/2015-03-31/event-source-mappings/{UUID}/failed-batches/{Id}': {
      parameters: [uuidParam, batchIdParam],
      get: {
        operationId: 'GetFailedBatch',
        responses: {
          '200': { description: 'The batch and its records', content: json(ref('FailedBatchDetail')) },
          ...errors,
        },
      },
      delete: {
        operationId: 'DeleteFailedBatch',
        responses: { '204': { description: 'Deleted' }, ...errors },
      },
    },
    '/2015-03-31/event-source-mappings/{UUID}/replays': {
      parameters: [uuidParam],
      post: {
        operationId: 'StartReplay',
        requestBody: { required: true, content: json(ref('ReplayRequest')) },
        responses: {
          '200': {
            description: 'DryRun: what would be sent; nothing changes',
            content: json(ref('ReplayPlan')),
          },
          '202': { description: 'Replay job created', content: json(ref('Replay')) },
          ...errors,
        },
      },
      get: {
        operationId: 'ListReplays',
        responses: {
          '200': {
            description: 'Newest first, at most 50 (without per-batch results)',
            content: json({
              type: 'object',
              properties: { Replays: { type: 'array', items: ref('Replay') } },
            }),
          },
          ...errors,
        },
      },
    },
    '/2015-03-31/event-source-mappings/{UUID}/replays/{ReplayId}': {
      parameters: [uuidParam, replayIdParam],
      get: {
        operationId: 'GetReplay',
        responses: {
          '200': { description: 'Progress and per-batch results', content: json(ref('Replay')) },
          ...errors,
        },
      },
    },
  };
}

const epochSeconds = { type: 'number', description: 'epoch seconds with fraction' };
const b64 = { type: ['string', 'null'], contentEncoding: 'base64' };
const str = { type: 'string' };
const int = { type: 'integer' };

const failedBatch = {
  type: 'object',
  properties: {
    Id: str,
    UUID: str,
    FunctionArn: str,
    Topic: str,
    Partition: int,
    FirstOffset: int,
    LastOffset: int,
    RecordCount: int,
    FirstRecordTimestamp: { type: 'integer', description: 'epoch ms (-1: none)' },
    LastRecordTimestamp: { type: 'integer', description: 'epoch ms (-1: none)' },
    Condition: str,
    Error: str,
    Attempts: { type: 'array', items: { type: 'object', properties: { Time: epochSeconds, Error: str } } },
    ApproximateInvokeCount: int,
    ResponseContext: { type: ['object', 'null'] },
    CreatedAt: epochSeconds,
    ReplayCount: int,
    ReplayedAt: epochSeconds,
    State: { type: 'string', enum: ['Failed', 'Replayed'] },
    DestinationState: { type: 'string', enum: ['None', 'Delivered', 'Failed', 'Unreachable'] },
    DestinationError: str,
  },
};

const record = {
  type: 'object',
  properties: {
    Topic: str,
    Partition: int,
    Offset: int,
    Timestamp: { type: 'integer', description: 'epoch ms' },
    TimestampType: str,
    Key: b64,
    Value: b64,
    Headers: { type: 'array', items: { type: 'object', properties: { Name: str, Value: b64 } } },
  },
};

const plannedBatch = {
  type: 'object',
  properties: {
    BatchId: str,
    Action: { type: 'string', enum: ['Send', 'SkipLoopGuard', 'Missing', 'TooLarge'] },
    Partition: int,
    FirstOffset: int,
    LastOffset: int,
    RecordCount: int,
    ReplayCount: int,
    Payloads: int,
    PayloadBytes: int,
    Reason: str,
  },
};

const replayResult = {
  type: 'object',
  properties: {
    BatchId: str,
    Status: {
      type: 'string',
      enum: ['Pending', 'Invoking', 'Replayed', 'Failed', 'Skipped', 'Missing', 'Interrupted'],
    },
    Time: epochSeconds,
    Error: str,
  },
};

function requestSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(replayRequestSchema, {
    unrepresentable: 'any',
    io: 'input',
  });
  return rest;
}

export const failedBatchSchemas: Record<string, object> = {
  FailedBatch: failedBatch,
  FailedBatchDetail: {
    allOf: [
      ref('FailedBatch'),
      { type: 'object', properties: { Records: { type: 'array', items: record } } },
    ],
  },
  ListFailedBatchesResponse: {
    type: 'object',
    properties: { NextMarker: str, FailedBatches: { type: 'array', items: ref('FailedBatch') } },
  },
  ReplayRequest: requestSchema(),
  ReplayPlan: {
    type: 'object',
    properties: {
      DryRun: { type: 'boolean' },
      UUID: str,
      FunctionName: str,
      RatePerSecond: { type: 'number' },
      ToSend: int,
      Invocations: int,
      EstimatedDurationSeconds: { type: 'number' },
      Batches: { type: 'array', items: plannedBatch },
    },
  },
  Replay: {
    type: 'object',
    properties: {
      ReplayId: str,
      UUID: str,
      FunctionName: str,
      State: { type: 'string', enum: ['Running', 'Completed'] },
      Total: int,
      Done: int,
      Replayed: int,
      Failed: int,
      Skipped: int,
      Missing: int,
      Interrupted: int,
      RatePerSecond: { type: 'number' },
      Force: { type: 'boolean' },
      MaximumReplays: int,
      CreatedAt: epochSeconds,
      FinishedAt: epochSeconds,
      Results: { type: 'array', items: replayResult },
    },
  },
};
