/**
 * Failed batches and replays of a mapping (issue 8), beside the mapping API and with its auth and
 * error shapes, under `/2015-03-31/event-source-mappings/{UUID}`:
 *
 *   GET    …/failed-batches            ?FromTime&ToTime&Partition&ErrorContains&State&Marker&MaxItems
 *                                      200 { FailedBatches: [...], NextMarker? }
 *   GET    …/failed-batches/{Id}       200 the batch with its Records (base64 key/value/headers)
 *   DELETE …/failed-batches/{Id}       204
 *   POST   …/replays                   body replayRequestSchema (src/failure/api.ts);
 *                                      DryRun → 200 the plan; else 202 the new job
 *   GET    …/replays                   200 { Replays: [...] } (newest first, at most 50)
 *   GET    …/replays/{ReplayId}        200 the job with per-batch Results
 *
 * An unknown mapping, batch or replay → 404 ResourceNotFoundException; bad input → 400
 * InvalidParameterValueException.
 */
import { Hono } from 'hono';
import {
  BATCH_ID_PATTERN,
  failedBatchDetailJson,
  failedBatchJson,
  parseTime,
  replayJobJson,
  replayPlanJson,
  replayRequestSchema,
  replayStatusJson,
  stateParam,
  toReplayRequest,
} from '../../failure/api.ts';
import type { ReplayService } from '../../failure/replay.ts';
import type { FailedBatchStore } from '../../failure/store.ts';
import type { FailedBatchQuery } from '../../failure/types.ts';
import type { Mapping } from '../../mapping/types.ts';
import type { AdminEnv, RouteDeps } from '../app.ts';
import { readJson } from '../body.ts';
import { LambdaApiError, RESOURCE_NOT_FOUND } from '../errors.ts';

/** What the routes need (built in the composition root). */
export interface FailureAdminDeps {
  readonly store: Pick<FailedBatchStore, 'list' | 'get' | 'delete'>;
  readonly replays: Pick<ReplayService, 'plan' | 'create' | 'status' | 'list'>;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const REPLAY_ID = /^[0-9a-f-]{1,64}$/;

const notFound = (): LambdaApiError => new LambdaApiError('ResourceNotFoundException', RESOURCE_NOT_FOUND);
const invalid = (message: string): LambdaApiError =>
  new LambdaApiError('InvalidParameterValueException', message);

type Query = { -readonly [K in keyof FailedBatchQuery]: FailedBatchQuery[K] };

/** The list query string → a store query; anything malformed is a 400. */
function listQuery(q: (name: string) => string | undefined): Query {
  const query: Query = {};
  const time = (name: string, key: 'fromMs' | 'toMs') => {
    const raw = q(name);
    if (raw === undefined || raw === '') return;
    const ms = parseTime(raw);
    if (ms === undefined) throw invalid(`${name} must be epoch seconds or an ISO-8601 time.`);
    query[key] = ms;
  };
  time('FromTime', 'fromMs');
  time('ToTime', 'toMs');
  const partition = q('Partition');
  if (partition !== undefined && partition !== '') {
    if (!/^\d{1,10}$/.test(partition) || Number(partition) > 2_147_483_647)
      throw invalid('Partition must be a non-negative integer.');
    query.partition = Number(partition);
  }
  const error = q('ErrorContains');
  if (error !== undefined && error !== '') {
    if (error.length > 256) throw invalid('ErrorContains must be at most 256 characters.');
    query.errorContains = error;
  }
  const state = q('State');
  if (state !== undefined && state !== '') {
    const s = stateParam(state);
    if (s === undefined) throw invalid('State must be Failed or Replayed.');
    query.state = s;
  }
  const marker = q('Marker');
  if (marker !== undefined && marker !== '') {
    if (marker.length > 1024) throw invalid('Invalid Marker.');
    query.marker = marker;
  }
  const max = q('MaxItems');
  if (max !== undefined && max !== '') {
    if (!/^\d{1,4}$/.test(max) || Number(max) < 1 || Number(max) > 1000)
      throw invalid('MaxItems must be an integer from 1 to 1000.');
    query.limit = Number(max);
  }
  return query;
}

export function failedBatchRoutes(deps: RouteDeps, failures: FailureAdminDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();

  const mappingOf = async (raw: string | undefined): Promise<Mapping> => {
    if (raw === undefined || !UUID.test(raw)) throw notFound();
    const mapping = await deps.store.get(raw.toLowerCase());
    if (mapping === undefined) throw notFound();
    return mapping;
  };
  const batchId = (raw: string | undefined): string => {
    if (raw === undefined || !BATCH_ID_PATTERN.test(raw)) throw notFound();
    return raw;
  };

  app.get('/:uuid/failed-batches', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const page = await failures.store.list(
      mapping.uuid,
      listQuery((n) => c.req.query(n)),
    );
    const body: Record<string, unknown> = { FailedBatches: page.batches.map(failedBatchJson) };
    if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
    return c.json(body, 200);
  });

  app.get('/:uuid/failed-batches/:id', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const batch = await failures.store.get(mapping.uuid, batchId(c.req.param('id')));
    if (batch === undefined) throw notFound();
    return c.json(failedBatchDetailJson(batch), 200);
  });

  app.delete('/:uuid/failed-batches/:id', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const id = batchId(c.req.param('id'));
    if (!(await failures.store.delete(mapping.uuid, id))) throw notFound();
    deps.logger.info('failed batch deleted', { uuid: mapping.uuid, id, principal: c.var.principal });
    return c.body(null, 204);
  });

  app.post('/:uuid/replays', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const input = await readJson(c, replayRequestSchema);
    const request = toReplayRequest(input);
    if (input.DryRun === true)
      return c.json(replayPlanJson(await failures.replays.plan(mapping, request)), 200);
    const job = await failures.replays.create(mapping, request);
    deps.logger.info('replay started', {
      uuid: mapping.uuid,
      replayId: job.replayId,
      batches: job.batchIds.length,
      principal: c.var.principal,
    });
    return c.json(replayStatusJson(job), 202);
  });

  app.get('/:uuid/replays', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const jobs = await failures.replays.list(mapping.uuid, 50);
    return c.json({ Replays: jobs.map(replayJobJson) }, 200);
  });

  app.get('/:uuid/replays/:replayId', async (c) => {
    const mapping = await mappingOf(c.req.param('uuid'));
    const replayId = c.req.param('replayId');
    if (!REPLAY_ID.test(replayId)) throw notFound();
    const status = await failures.replays.status(mapping.uuid, replayId);
    if (status === undefined) throw notFound();
    return c.json(replayStatusJson(status), 200);
  });

  return app;
}
