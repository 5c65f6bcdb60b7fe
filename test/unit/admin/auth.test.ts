import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { createAdminApp } from '../../../src/admin/app.ts';
import { isBridgeError } from '../../../src/errors.ts';
import { MemoryMappingStore } from '../../../src/mapping/memory-store.ts';
import { makeApp, TOKEN } from './helpers.ts';

const LIST = 'http://bridge.test/2015-03-31/event-source-mappings';

async function errorOf(res: Response): Promise<[number, string | null]> {
  await res.body?.cancel();
  return [res.status, res.headers.get('x-amzn-ErrorType')];
}

describe('admin authentication', () => {
  it('accepts the bearer token and rejects others', async () => {
    const { app } = makeApp();
    assert.equal((await app.request(LIST, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.deepEqual(await errorOf(await app.request(LIST, { headers: { authorization: 'Bearer nope' } })), [
      403,
      'UnrecognizedClientException',
    ]);
    assert.deepEqual(
      await errorOf(await app.request(LIST, { headers: { authorization: `Bearer ${TOKEN}x` } })),
      [403, 'UnrecognizedClientException'],
    );
    assert.deepEqual(await errorOf(await app.request(LIST)), [403, 'MissingAuthenticationTokenException']);
    assert.deepEqual(await errorOf(await app.request(LIST, { headers: { authorization: 'Basic abc' } })), [
      403,
      'IncompleteSignatureException',
    ]);
  });

  it('accepts tokens configured as SHA-256 digests', async () => {
    const digest = createHash('sha256').update('hashed-token-value-123').digest('hex');
    const { app } = makeApp({ auth: { bearerTokenSha256: [digest] } });
    assert.equal(
      (await app.request(LIST, { headers: { authorization: 'Bearer hashed-token-value-123' } })).status,
      200,
    );
  });

  it('keeps /health and /openapi.json public, /metrics protected', async () => {
    const { app } = makeApp();
    assert.equal((await app.request('http://bridge.test/health')).status, 200);
    assert.equal((await app.request('http://bridge.test/openapi.json')).status, 200);
    assert.deepEqual(await errorOf(await app.request('http://bridge.test/metrics')), [
      403,
      'MissingAuthenticationTokenException',
    ]);
  });

  it('covers routes mounted after createAdminApp (the runtime Invoke route)', async () => {
    const { app } = makeApp();
    const functions = new Hono();
    functions.post('/:name/invocations', (c) => c.json({ invoked: c.req.param('name') }));
    app.route('/2015-03-31/functions', functions);
    const path = 'http://bridge.test/2015-03-31/functions/hello/invocations';
    assert.deepEqual(await errorOf(await app.request(path, { method: 'POST', body: '{}' })), [
      403,
      'MissingAuthenticationTokenException',
    ]);
    const ok = await app.request(path, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { invoked: 'hello' });
    assert.match(ok.headers.get('x-amzn-RequestId') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('lets the later Invoke route take bodies up to 6 MiB, not just 256 KB', async () => {
    const { app } = makeApp();
    const functions = new Hono();
    functions.post('/:name/invocations', async (c) => c.json({ bytes: (await c.req.text()).length }));
    app.route('/2015-03-31/functions', functions);
    const body = 'x'.repeat(1024 * 1024);
    const res = await app.request('http://bridge.test/2015-03-31/functions/f/invocations', {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(await res.json(), { bytes: body.length });
    const tooBig = await app.request('http://bridge.test/2015-03-31/functions/f/invocations', {
      method: 'POST',
      body: 'x'.repeat(6 * 1024 * 1024 + 1),
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(await errorOf(tooBig), [413, 'RequestTooLargeException']);
  });

  it('anonymous access only when allowed, and presented credentials are still checked', async () => {
    const { app } = makeApp({ auth: { allowUnauthenticated: true } });
    assert.equal((await app.request(LIST)).status, 200);
    assert.deepEqual(await errorOf(await app.request(LIST, { headers: { authorization: 'Bearer wrong' } })), [
      403,
      'UnrecognizedClientException',
    ]);
  });

  it('refuses to build without any way to authenticate', () => {
    assert.throws(
      () =>
        createAdminApp({
          store: new MemoryMappingStore(),
          clusters: new Map(),
          accountId: '111122223333',
          region: 'eu-west-1',
          auth: {},
        }),
      (err) => isBridgeError(err) && err.code === 'CONFIG_INVALID',
    );
  });

  it('never logs tokens or secrets', async () => {
    const lines: string[] = [];
    const log = (m: string, f?: object) => {
      lines.push(m + JSON.stringify(f));
    };
    const logger = { info: log, warn: log, error: log };
    const { app } = makeApp({ logger });
    await app.request(LIST, { headers: { authorization: `Bearer ${TOKEN}` } });
    await app.request(LIST, { headers: { authorization: 'Bearer canary-token-should-not-appear' } });
    await app.request(LIST, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        FunctionName: 'f',
        Topics: ['tt'],
        StartingPosition: 'LATEST',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['k:9092'] } },
        SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: 'secret:canary-secret-reference' }],
      }),
    });
    assert.ok(lines.length >= 3);
    const all = lines.join('\n');
    assert.doesNotMatch(all, new RegExp(TOKEN));
    assert.doesNotMatch(all, /canary/);
  });
});

describe('routes mounted later', () => {
  it('get x-amzn-RequestId even on immutable responses, and Hono client errors stay 4xx', async () => {
    const { app } = makeApp();
    const functions = new Hono();
    functions.get('/immutable', () => Response.redirect('http://x/', 302));
    functions.post('/json', async (c) => c.json(await c.req.json()));
    app.route('/2015-03-31/functions', functions);
    const headers = { authorization: `Bearer ${TOKEN}` };
    const redirect = await app.request('http://bridge.test/2015-03-31/functions/immutable', { headers });
    assert.equal(redirect.status, 302);
    assert.match(redirect.headers.get('x-amzn-RequestId') ?? '', /^[0-9a-f-]{36}$/);
    const bad = await app.request('http://bridge.test/2015-03-31/functions/json', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{nope',
    });
    assert.deepEqual(await errorOf(bad), [400, 'InvalidRequestContentException']);
  });
});
