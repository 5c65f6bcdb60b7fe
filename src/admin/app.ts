/**
 * The Lambda-compatible admin API as a Hono app: `createAdminApp(deps)`.
 *
 * Middleware order (registered before any route, so routes mounted later with app.route(), such as
 * the runtime's `/2015-03-31/functions/{name}/invocations`, get all of it):
 *   1. request id: `x-amzn-RequestId` on every response, errors included; one access-log line;
 *   2. body limits: 256 KB on the mapping and tag APIs (413 RequestTooLargeException), `maxBodyBytes`
 *      (default 6 MiB, Lambda's Invoke limit) everywhere else;
 *   3. authentication (auth.ts); `/health` and `/openapi.json` are public;
 *   4. per-caller rate limit when `rateLimit` is set (rate-limit.ts): 429 TooManyRequestsException.
 * Errors from anywhere become Lambda-shaped responses in onError (errors.ts); unknown paths answer
 * 404 UnknownOperationException. Trailing slashes are optional on every route (non-strict routing).
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MappingStore } from '../mapping/store.ts';
import type { ClusterRegistry } from '../mapping/types.ts';
import { type AdminAuthSettings, type AuthVariables, adminAuth } from './auth.ts';
import { LambdaApiError, lambdaErrorResponse, toLambdaError } from './errors.ts';
import { RateLimiter, type RateLimitSettings } from './rate-limit.ts';
import { eventSourceMappingRoutes } from './routes/event-source-mappings.ts';
import { type FailureAdminDeps, failedBatchRoutes } from './routes/failed-batches.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes, RequestCounter } from './routes/metrics.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { partitionRoutes } from './routes/partitions.ts';
import { tagRoutes } from './routes/tags.ts';

/** Structured logger; fields never contain secrets, tokens, or request bodies. */
export interface AdminLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface AdminDeps {
  readonly store: MappingStore;
  /** MSK cluster ARN → bootstrap servers and default auth (from config). */
  readonly clusters: ClusterRegistry;
  /** Hosts an http(s) OnFailure destination may name (config destinationHosts); none when absent. */
  readonly destinationHosts?: readonly string[];
  /** 12-digit account id used in ARNs. */
  readonly accountId: string;
  readonly region: string;
  readonly auth: AdminAuthSettings;
  readonly logger?: AdminLogger;
  /** Extra Prometheus text for GET /metrics (the runtime's counters). */
  readonly metrics?: () => string | Promise<string>;
  /** Readiness for GET /health (e.g. Redis ping); absent = always healthy. */
  readonly healthCheck?: () => boolean | Promise<boolean>;
  /** Requests per caller (rate-limit.ts); absent = unlimited. */
  readonly rateLimit?: RateLimitSettings;
  /** Body cap for routes other than the mapping/tag APIs; default 6 MiB. */
  readonly maxBodyBytes?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** New mapping UUIDs; default crypto.randomUUID. */
  readonly newUuid?: () => string;
  /** Failed-batch store and replays (…/{UUID}/failed-batches, …/{UUID}/replays); absent = not served. */
  readonly failures?: FailureAdminDeps;
  /** Per-partition health of a mapping, as every instance last published it (beyond AWS). */
  readonly partitions?: (uuid: string) => Promise<Record<string, unknown>[]>;
}

/** What route modules get: deps with defaults filled in. */
export interface RouteDeps extends AdminDeps {
  readonly logger: AdminLogger;
  readonly clock: () => number;
  readonly newUuid: () => string;
}

export interface AdminEnv {
  Variables: AuthVariables & { requestId: string };
}

export const API_BODY_LIMIT = 256 * 1024;
const API_PREFIXES = ['/2015-03-31/event-source-mappings', '/2017-03-31/tags'];
const PUBLIC_PATHS = new Set(['/health', '/health/', '/openapi.json']);

const silentLogger: AdminLogger = { info() {}, warn() {}, error() {} };

const tooLarge = (limit: number) => () => {
  throw new LambdaApiError('RequestTooLargeException', `Request must be smaller than ${limit} bytes.`);
};

export function createAdminApp(deps: AdminDeps): Hono<AdminEnv> {
  const routeDeps: RouteDeps = {
    ...deps,
    logger: deps.logger ?? silentLogger,
    clock: deps.clock ?? Date.now,
    newUuid: deps.newUuid ?? randomUUID,
  };
  const { logger } = routeDeps;
  const counter = new RequestCounter();
  const app = new Hono<AdminEnv>({ strict: false });

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    const started = performance.now();
    c.set('requestId', requestId);
    c.header('x-amzn-RequestId', requestId);
    await next();
    if (!c.res.headers.has('x-amzn-RequestId')) {
      try {
        c.res.headers.set('x-amzn-RequestId', requestId);
      } catch {
        // A route returned a Response with immutable headers (e.g. straight from fetch): copy it.
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set('x-amzn-RequestId', requestId);
      }
    }
    counter.record(c.req.method, c.res.status);
    logger.info('admin request', {
      requestId,
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      principal: c.var.principal,
    });
  });

  const apiLimit = bodyLimit({ maxSize: API_BODY_LIMIT, onError: tooLarge(API_BODY_LIMIT) });
  const maxBody = deps.maxBodyBytes ?? 6 * 1024 * 1024;
  const globalLimit = bodyLimit({ maxSize: maxBody, onError: tooLarge(maxBody) });
  app.use('*', (c, next) =>
    API_PREFIXES.some((p) => c.req.path.startsWith(p)) ? apiLimit(c, next) : globalLimit(c, next),
  );
  app.use('*', adminAuth({ settings: deps.auth, clock: routeDeps.clock, publicPaths: PUBLIC_PATHS }));
  if (deps.rateLimit) {
    const limiter = new RateLimiter(deps.rateLimit);
    app.use('*', async (c, next) => {
      if (PUBLIC_PATHS.has(c.req.path)) return next();
      const waitMs = limiter.take(c.var.principal ?? 'anonymous', routeDeps.clock());
      if (waitMs > 0) {
        c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
        throw new LambdaApiError('TooManyRequestsException', 'Rate exceeded');
      }
      return next();
    });
  }

  app.route('/2015-03-31/event-source-mappings', eventSourceMappingRoutes(routeDeps));
  if (deps.partitions) {
    app.route('/2015-03-31/event-source-mappings', partitionRoutes(routeDeps, deps.partitions));
  }
  if (deps.failures) {
    app.route('/2015-03-31/event-source-mappings', failedBatchRoutes(routeDeps, deps.failures));
  }
  app.route('/2017-03-31/tags', tagRoutes(routeDeps));
  app.route('/health', healthRoutes(routeDeps));
  app.route('/metrics', metricsRoutes(routeDeps, counter));
  app.route('/openapi.json', openApiRoutes());

  app.notFound((c) =>
    lambdaErrorResponse(
      c,
      new LambdaApiError(
        'UnknownOperationException',
        `Unknown operation: ${c.req.method} ${c.req.path.slice(0, 200)}`,
      ),
    ),
  );
  app.onError((err, c) => {
    const lambdaError = toLambdaError(err);
    if (lambdaError.type === 'ServiceException') {
      logger.error('admin request failed', {
        requestId: c.var.requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    return lambdaErrorResponse(c, lambdaError);
  });
  return app;
}
