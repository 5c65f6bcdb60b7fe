import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListEventSourceMappingsCommand, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { RateLimiter } from '../../../src/admin/rate-limit.ts';
import { call, makeApp, sdkClient } from './helpers.ts';

describe('RateLimiter', () => {
  it('allows a burst, then one request per 1/perSecond, saying how long to wait', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    assert.deepEqual(
      [0, 0, 0].map(() => limiter.take('a', 1000)),
      [0, 0, 0],
    );
    assert.equal(limiter.take('a', 1000), 500, 'empty: the next token comes in 500 ms');
    assert.equal(limiter.take('a', 1250), 250);
    assert.equal(limiter.take('a', 1500), 0);
    assert.equal(limiter.take('b', 1500), 0, 'each caller has its own bucket');
  });

  it('refills up to the burst, never beyond', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 2 });
    limiter.take('a', 0);
    limiter.take('a', 0);
    const later = [1, 2, 3].map(() => limiter.take('a', 60_000));
    assert.deepEqual(later, [0, 0, 100]);
  });

  it('keeps a bounded number of callers', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    for (let i = 0; i < 10_050; i++) limiter.take(`caller-${i}`, 0);
    // The first callers were forgotten (all buckets busy): a forgotten caller starts with a full burst.
    assert.equal(limiter.take('caller-0', 0), 0);
  });
});

describe('admin API rate limit', () => {
  it('answers 429 TooManyRequestsException with Retry-After once a caller is over its rate; others and /health pass', async () => {
    const { app, now } = makeApp({ rateLimit: { perSecond: 1, burst: 2 } });
    assert.equal((await call(app, 'GET', '/2015-03-31/event-source-mappings')).status, 200);
    assert.equal((await call(app, 'GET', '/2015-03-31/event-source-mappings')).status, 200);
    const over = await call(app, 'GET', '/2015-03-31/event-source-mappings');
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('x-amzn-ErrorType'), 'TooManyRequestsException');
    assert.equal(over.headers.get('retry-after'), '1');
    assert.ok(over.headers.get('x-amzn-RequestId'));
    assert.deepEqual(await over.json(), { Type: 'User', message: 'Rate exceeded' });
    assert.equal((await app.request('http://bridge.test/health')).status, 200, 'probes are not limited');
    // Another caller (the SDK's SigV4 identity) has its own allowance; the real SDK sees the typed error.
    const lambda = sdkClient(app);
    await lambda.send(new ListEventSourceMappingsCommand({}));
    await lambda.send(new ListEventSourceMappingsCommand({}));
    await assert.rejects(lambda.send(new ListEventSourceMappingsCommand({})), TooManyRequestsException);
    now.value += 1000;
    assert.equal((await call(app, 'GET', '/2015-03-31/event-source-mappings')).status, 200, 'refilled');
  });

  it('is off unless configured', async () => {
    const { app } = makeApp();
    for (let i = 0; i < 50; i++)
      assert.equal((await call(app, 'GET', '/2015-03-31/event-source-mappings')).status, 200);
  });
});
