/**
 * Shared fixtures for admin unit tests: an app over the in-memory store, and a LambdaClient whose
 * request handler feeds the SDK's signed requests straight into app.request() (no sockets).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Hono } from 'hono';
import { type AdminDeps, type AdminEnv, createAdminApp } from '../../../src/admin/app.ts';
import { MemoryMappingStore } from '../../../src/mapping/memory-store.ts';
import type { KafkaCluster } from '../../../src/mapping/types.ts';

export const TOKEN = 'test-token-0123456789abcdef';
export const ACCESS_KEY = 'AKIDBRIDGETEST';
export const SECRET_KEY = 'bridge/secret+key/for/tests';
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const MSK_ARN =
  'arn:aws:kafka:eu-west-1:111122223333:cluster/orders/6c1f0a3e-1b2c-4d5e-8f90-123456789abc-2';
export const MSK_CLUSTER: KafkaCluster = {
  bootstrapServers: ['b-1.orders.example:9098', 'b-2.orders.example:9098'],
  sourceAccessConfigurations: [
    { type: 'SASL_SCRAM_512_AUTH', uri: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:msk' },
  ],
};

export interface TestApp {
  app: Hono<AdminEnv>;
  store: MemoryMappingStore;
  now: { value: number };
}

export function makeApp(overrides: Partial<AdminDeps> = {}): TestApp {
  const now = { value: Date.now() };
  const store = new MemoryMappingStore({ clock: () => now.value });
  const app = createAdminApp({
    store,
    clusters: new Map([[MSK_ARN, MSK_CLUSTER]]),
    accountId: ACCOUNT,
    region: REGION,
    auth: { bearerTokens: [TOKEN], sigv4Credentials: { [ACCESS_KEY]: SECRET_KEY } },
    clock: () => now.value,
    ...overrides,
  });
  return { app, store, now };
}

/** A JSON request with the bearer token. */
export function call(app: Hono<AdminEnv>, method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return Promise.resolve(app.request(`http://bridge.test${path}`, init));
}

export const SELF_MANAGED = {
  FunctionName: 'clicks',
  Topics: ['clicks'],
  StartingPosition: 'LATEST',
  SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka-1.internal:9092'] } },
};

export const MSK = {
  FunctionName: 'order-processor',
  EventSourceArn: MSK_ARN,
  Topics: ['orders'],
  StartingPosition: 'TRIM_HORIZON',
};

interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** A real LambdaClient (real SigV4 signing, real response parsing) talking to app.request(). */
export function sdkClient(app: Hono<AdminEnv>, secret = SECRET_KEY, accessKeyId = ACCESS_KEY): LambdaClient {
  return new LambdaClient({
    region: REGION,
    endpoint: 'http://bridge.test:9000',
    credentials: { accessKeyId, secretAccessKey: secret },
    maxAttempts: 1,
    requestHandler: {
      async handle(req: SdkRequest) {
        const query = Object.entries(req.query ?? {})
          .flatMap(([k, v]) =>
            v === null
              ? []
              : (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
          )
          .join('&');
        const url = `${req.protocol}//${req.hostname}${req.port ? `:${req.port}` : ''}${req.path}${query ? `?${query}` : ''}`;
        const init: RequestInit = { method: req.method, headers: req.headers };
        if (req.body !== undefined && req.body !== null) init.body = req.body as string;
        const res = await app.request(url, init);
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          headers[k] = v;
        });
        return {
          response: { statusCode: res.status, headers, body: new Uint8Array(await res.arrayBuffer()) },
        };
      },
    } as never,
  });
}
