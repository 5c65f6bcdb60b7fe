import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, makeApp } from './helpers.ts';

describe('health, metrics, OpenAPI', () => {
  it('GET /health reflects the optional check', async () => {
    assert.deepEqual(await (await makeApp().app.request('http://x/health')).json(), { status: 'ok' });
    const failing = makeApp({
      healthCheck: async () => {
        throw new Error('redis down');
      },
    });
    const res = await failing.app.request('http://x/health');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unhealthy' });
  });

  it('GET /metrics renders admin counters plus the runtime source', async () => {
    const { app } = makeApp({ metrics: () => '# TYPE klb_records_total counter\nklb_records_total 42' });
    await call(app, 'GET', '/2015-03-31/event-source-mappings');
    await call(app, 'GET', '/2015-03-31/event-source-mappings/00000000-0000-4000-8000-000000000000');
    const res = await call(app, 'GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^klb_admin_requests_total\{method="GET",status="200"\} 1$/m);
    assert.match(text, /^klb_admin_requests_total\{method="GET",status="404"\} 1$/m);
    assert.match(text, /^klb_records_total 42\n$/m);
  });

  it('GET /openapi.json describes every operation', async () => {
    const { app } = makeApp();
    const doc = (await (await app.request('http://x/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(doc.openapi, '3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) =>
      Object.values(p)
        .map((o) => o.operationId)
        .filter(Boolean),
    );
    for (const op of [
      'CreateEventSourceMapping',
      'ListEventSourceMappings',
      'GetEventSourceMapping',
      'UpdateEventSourceMapping',
      'DeleteEventSourceMapping',
      'TagResource',
      'UntagResource',
      'ListTags',
      'Health',
      'Metrics',
    ]) {
      assert.ok(ops.includes(op), op);
    }
    const create = doc.components.schemas.CreateEventSourceMappingRequest?.properties ?? {};
    assert.deepEqual(create.BatchSize as { minimum: number; maximum: number }, {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
    });
  });
});
