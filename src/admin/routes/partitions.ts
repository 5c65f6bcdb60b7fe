/**
 * `GET /2015-03-31/event-source-mappings/{UUID}/partitions` — per-partition health (beyond AWS):
 * which instance owns each partition, what it has buffered, the batch in flight and for how long,
 * failed attempts and the last error, and a State of OK, Retrying or Stuck.
 */
import { Hono } from 'hono';
import type { AdminEnv, RouteDeps } from '../app.ts';
import { LambdaApiError } from '../errors.ts';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function notFound(): LambdaApiError {
  return new LambdaApiError('ResourceNotFoundException', 'The resource you requested does not exist.');
}

export function partitionRoutes(
  deps: RouteDeps,
  partitions: (uuid: string) => Promise<Record<string, unknown>[]>,
): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get('/:uuid/partitions', async (c) => {
    const raw = c.req.param('uuid');
    if (!UUID.test(raw)) throw notFound();
    const mapping = await deps.store.get(raw.toLowerCase());
    if (!mapping) throw notFound();
    return c.json({ UUID: mapping.uuid, Partitions: await partitions(mapping.uuid) }, 200);
  });
  return app;
}
