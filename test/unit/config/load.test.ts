import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/errors.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.admin.port, 8080);
    assert.equal(config.maxPayloadBytes, 6_291_456);
    assert.ok(Object.isFrozen(config));
  });

  it('overlays environment variables on the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klb-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ admin: { port: 9000 }, functions: { billing: { url: 'http://127.0.0.1:7000/' } } }),
    );
    const config = loadConfig({
      KLB_CONFIG: file,
      KLB_ADMIN_HOST: '0.0.0.0',
      KLB_ADMIN_CREDENTIALS: 'AKID1:s1,AKID2:s2',
    });
    assert.equal(config.admin.port, 9000);
    assert.equal(config.admin.host, '0.0.0.0');
    assert.deepEqual(config.admin.credentials, { AKID1: 's1', AKID2: 's2' });
    assert.deepEqual(config.functions.billing, { url: 'http://127.0.0.1:7000/' });
  });

  it('reports every bad key at once, by name', () => {
    assert.throws(
      () => loadConfig({ KLB_ADMIN_PORT: 'eighty', KLB_CONSUMER: 'fast', KLB_ACCOUNT_ID: '12' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /admin\.port/);
        assert.match(error.message, /consumer/);
        assert.match(error.message, /aws\.accountId/);
        return true;
      },
    );
  });

  it('localConcurrency defaults to one worker per core beyond the main thread; both knobs take env values', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.localConcurrency, Math.max(1, Math.min(4, availableParallelism() - 1)));
    assert.equal(defaults.prefetchKiB, 8192);
    const set = loadConfig({ KLB_LOCAL_CONCURRENCY: '3', KLB_PREFETCH_KIB: '4096' });
    assert.equal(set.localConcurrency, 3);
    assert.equal(set.prefetchKiB, 4096);
    assert.throws(
      () => loadConfig({ KLB_LOCAL_CONCURRENCY: '0', KLB_PREFETCH_KIB: '12' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /localConcurrency/.test(error.message) &&
        /prefetchKiB/.test(error.message),
    );
  });

  it('admin.rateLimit: 100 per second, burst 200 per caller by default; env sets both', () => {
    assert.deepEqual(loadConfig({}).admin.rateLimit, { perSecond: 100, burst: 200 });
    assert.deepEqual(loadConfig({ KLB_ADMIN_RATE_LIMIT: '0', KLB_ADMIN_RATE_BURST: '5' }).admin.rateLimit, {
      perSecond: 0,
      burst: 5,
    });
  });

  it('destinationHosts: empty by default, a comma list from KLB_DESTINATION_HOSTS, bad patterns named', () => {
    assert.deepEqual(loadConfig({}).destinationHosts, []);
    assert.deepEqual(
      loadConfig({ KLB_DESTINATION_HOSTS: 'hooks.example.com, *.corp.test:8443' }).destinationHosts,
      ['hooks.example.com', '*.corp.test:8443'],
    );
    assert.throws(
      () => loadConfig({ KLB_DESTINATION_HOSTS: 'http://hooks.example.com/x' }),
      (error: unknown) => error instanceof ConfigError && /destinationHosts/.test(error.message),
    );
  });

  it('rejects unknown keys in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klb-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ adminn: {} }));
    assert.throws(() => loadConfig({ KLB_CONFIG: file }), /adminn|Unrecognized/);
  });
});
