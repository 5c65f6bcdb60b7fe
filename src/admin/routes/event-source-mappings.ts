/**
 * Create/Get/List/Update/DeleteEventSourceMapping under `/2015-03-31/event-source-mappings`
 * (lambda-esm.md §2.2). Both path forms work because the root app is non-strict about trailing
 * slashes. Create/Update/Delete answer 202, Get/List 200, all with EventSourceMappingConfiguration JSON.
 */
import { Hono } from 'hono';
import { resolveFunctionArn } from '../../mapping/function-arn.ts';
import { createMapping, type ResolveContext, updateMapping } from '../../mapping/resolve.ts';
import { toEventSourceMappingConfiguration } from '../../mapping/response.ts';
import { checkTagKeys } from '../../mapping/rules.ts';
import { ARN_PATTERN, createRequestSchema, updateRequestSchema } from '../../mapping/schema.ts';
import { canStartDelete } from '../../mapping/state.ts';
import type { ListQuery } from '../../mapping/store.ts';
import { USER_INITIATED } from '../../mapping/types.ts';
import type { AdminEnv, RouteDeps } from '../app.ts';
import { parseMaxItems, readJson } from '../body.ts';
import { LambdaApiError, RESOURCE_NOT_FOUND } from '../errors.ts';

const PAGE_LIMIT = 100;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The path's UUID, lower-cased; anything else cannot name a mapping → ResourceNotFoundException. */
function uuidParam(raw: string | undefined): string {
  if (raw === undefined || !UUID.test(raw))
    throw new LambdaApiError('ResourceNotFoundException', RESOURCE_NOT_FOUND);
  return raw.toLowerCase();
}

function invalidQuery(message: string): LambdaApiError {
  return new LambdaApiError('InvalidParameterValueException', message);
}

export function eventSourceMappingRoutes(deps: RouteDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  const ctx = (): ResolveContext => ({ ...deps, now: deps.clock() });

  app.post('/', async (c) => {
    const input = await readJson(c, createRequestSchema);
    const tags = input.Tags ?? {};
    checkTagKeys(tags);
    const mapping = createMapping(input, deps.newUuid(), ctx());
    const created = await deps.store.create(mapping, tags);
    deps.logger.info('event source mapping created', { uuid: created.uuid, principal: c.var.principal });
    return c.json(toEventSourceMappingConfiguration(created), 202);
  });

  app.get('/', async (c) => {
    const maxItems = Math.min(parseMaxItems(c.req.query('MaxItems')) ?? PAGE_LIMIT, PAGE_LIMIT);
    const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = { maxItems };
    const marker = c.req.query('Marker');
    if (marker !== undefined && marker !== '') query.marker = marker;
    const functionName = c.req.query('FunctionName');
    if (functionName !== undefined && functionName !== '') {
      const arn = functionName.length <= 256 ? resolveFunctionArn(functionName, deps) : undefined;
      if (arn === undefined) throw invalidQuery(`Invalid FunctionName: ${functionName.slice(0, 256)}`);
      query.functionArn = arn;
    }
    const sourceArn = c.req.query('EventSourceArn');
    if (sourceArn !== undefined && sourceArn !== '') {
      if (sourceArn.length > 1024 || !ARN_PATTERN.test(sourceArn))
        throw invalidQuery('Invalid EventSourceArn.');
      query.eventSourceArn = sourceArn;
    }
    const page = await deps.store.list(query);
    const body: Record<string, unknown> = {
      EventSourceMappings: page.mappings.map(toEventSourceMappingConfiguration),
    };
    if (page.nextMarker !== undefined) body.NextMarker = page.nextMarker;
    return c.json(body, 200);
  });

  app.get('/:uuid', async (c) => {
    const mapping = await deps.store.get(uuidParam(c.req.param('uuid')));
    if (mapping === undefined) throw new LambdaApiError('ResourceNotFoundException', RESOURCE_NOT_FOUND);
    return c.json(toEventSourceMappingConfiguration(mapping), 200);
  });

  app.put('/:uuid', async (c) => {
    const uuid = uuidParam(c.req.param('uuid'));
    const input = await readJson(c, updateRequestSchema);
    const updated = await deps.store.update(uuid, (current) => updateMapping(current, input, ctx()));
    deps.logger.info('event source mapping updated', {
      uuid,
      state: updated.state,
      principal: c.var.principal,
    });
    return c.json(toEventSourceMappingConfiguration(updated), 202);
  });

  app.delete('/:uuid', async (c) => {
    const uuid = uuidParam(c.req.param('uuid'));
    const deleting = await deps.store.update(
      uuid,
      (current) =>
        canStartDelete(current)
          ? {
              ...current,
              state: 'Deleting',
              stateTransitionReason: USER_INITIATED,
              lastModifiedMs: deps.clock(),
            }
          : current,
      'deleting',
    );
    deps.logger.info('event source mapping deleting', { uuid, principal: c.var.principal });
    return c.json(toEventSourceMappingConfiguration(deleting), 202);
  });

  return app;
}
