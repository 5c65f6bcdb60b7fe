/**
 * `GET /health`: 200 `{"status":"ok"}` while the process serves requests, or 503 `{"status":"unhealthy"}`
 * when the optional check (e.g. a Redis ping, supplied by the composition root) fails. Unauthenticated
 * and free of details, so load balancers can call it and it leaks nothing.
 */
import { Hono } from 'hono';
import type { AdminEnv, RouteDeps } from '../app.ts';

export function healthRoutes(deps: RouteDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get('/', async (c) => {
    let healthy = true;
    if (deps.healthCheck !== undefined) {
      try {
        healthy = await deps.healthCheck();
      } catch (err) {
        deps.logger.warn('health check failed', { error: err instanceof Error ? err.message : String(err) });
        healthy = false;
      }
    }
    return c.json({ status: healthy ? 'ok' : 'unhealthy' }, healthy ? 200 : 503);
  });
  return app;
}
