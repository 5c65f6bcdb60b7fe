import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBridgeError } from '../../../src/errors.ts';
import { MemoryMappingStore } from '../../../src/mapping/memory-store.ts';
import type { Mapping, MappingChange } from '../../../src/mapping/types.ts';

function mapping(uuid: string, overrides: Partial<Mapping> = {}): Mapping {
  return {
    uuid,
    arn: `arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${uuid}`,
    functionName: 'fn',
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:fn',
    eventSource: 'SelfManagedKafka',
    topic: 'orders',
    bootstrapServers: ['k1:9092'],
    sourceAccessConfigurations: [],
    connectionAuth: [],
    startingPosition: 'LATEST',
    batchSize: 100,
    batchingWindowMs: 500,
    enabled: true,
    filterPatterns: [],
    consumerGroupId: uuid,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    bisect: false,
    reportBatchItemFailures: false,
    metrics: [],
    state: 'Creating',
    stateTransitionReason: 'USER_INITIATED',
    lastProcessingResult: 'No records processed',
    lastModifiedMs: 1000,
    version: 1,
    ...overrides,
  };
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const code = (c: string, kind?: string) => (err: unknown) =>
  isBridgeError(err) && err.code === c && (kind === undefined || err.context.kind === kind);

describe('MemoryMappingStore', () => {
  it('refuses a duplicate (function, brokers, topic) with the existing UUID', async () => {
    const store = new MemoryMappingStore();
    await store.create(mapping(uuid(1)));
    await assert.rejects(store.create(mapping(uuid(2), { bootstrapServers: ['k1:9092'] })), (err) => {
      assert.ok(code('CONFLICT', 'duplicate')(err));
      assert.match(
        (err as Error).message,
        /^An event source mapping with event source \("k1:9092"\), function \("arn:aws:lambda:eu-west-1:111122223333:function:fn"\), topics \("orders"\) already exists\. Please update or delete the existing mapping with UUID 00000000-0000-4000-8000-000000000001$/,
      );
      return true;
    });
    await store.create(mapping(uuid(3), { topic: 'other' }));
    await store.create(
      mapping(uuid(4), { functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:fn:live' }),
    );
  });

  it('moves the duplicate index on update', async () => {
    const store = new MemoryMappingStore();
    await store.create(mapping(uuid(1)));
    await store.create(mapping(uuid(2), { functionArn: 'arn:x:2' }));
    await assert.rejects(
      store.update(uuid(2), (m) => ({ ...m, functionArn: mapping('x').functionArn })),
      code('CONFLICT', 'duplicate'),
    );
    await store.update(uuid(1), (m) => ({ ...m, functionArn: 'arn:x:1' }));
    await store.update(uuid(2), (m) => ({ ...m, functionArn: mapping('x').functionArn }));
    await store.create(mapping(uuid(3), { functionArn: 'arn:x:2' }));
  });

  it('bumps the version, returns copies, and skips no-op writes', async () => {
    const store = new MemoryMappingStore();
    await store.create(mapping(uuid(1)));
    const a = await store.update(uuid(1), (m) => ({ ...m, batchSize: 5 }));
    assert.equal(a.version, 2);
    const same = await store.update(uuid(1), (m) => m);
    assert.equal(same.version, 2);
    (a as { batchSize: number }).batchSize = 99;
    assert.equal((await store.get(uuid(1)))?.batchSize, 5);
    await assert.rejects(
      store.update(uuid(9), (m) => m),
      code('NOT_FOUND'),
    );
  });

  it('lists in UUID order with markers and filters', async () => {
    const store = new MemoryMappingStore();
    for (let i = 1; i <= 7; i++) {
      await store.create(
        mapping(uuid(i), { topic: `t${i}`, functionArn: i % 2 === 0 ? 'arn:even' : 'arn:odd' }),
      );
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await store.list(marker === undefined ? { maxItems: 3 } : { maxItems: 3, marker });
      assert.ok(page.mappings.length <= 3);
      seen.push(...page.mappings.map((m) => m.uuid));
      marker = page.nextMarker;
    } while (marker !== undefined);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7].map(uuid));
    const even = await store.list({ maxItems: 100, functionArn: 'arn:even' });
    assert.deepEqual(
      even.mappings.map((m) => m.uuid),
      [2, 4, 6].map(uuid),
    );
    assert.equal(even.nextMarker, undefined);
    await assert.rejects(store.list({ maxItems: 1, marker: '!!' }), code('INVALID_PARAMETER'));
  });

  it('state moves: allowed ones bump LastModified, stale ones are refused', async () => {
    let now = 5000;
    const store = new MemoryMappingStore({ clock: () => now });
    await store.create(mapping(uuid(1)));
    const enabled = await store.setState(uuid(1), 'Enabled', 'User action');
    assert.deepEqual(
      [enabled.state, enabled.stateTransitionReason, enabled.lastModifiedMs],
      ['Enabled', 'User action', 5000],
    );
    now = 6000;
    await store.update(uuid(1), (m) => ({ ...m, state: 'Deleting' }));
    await assert.rejects(store.setState(uuid(1), 'Enabled', 'x'), code('CONFLICT', 'stale-transition'));
    const lpr = await store.setLastProcessingResult(uuid(1), 'OK');
    assert.equal(lpr.lastProcessingResult, 'OK');
    assert.equal(lpr.lastModifiedMs, 5000, 'LastProcessingResult does not touch LastModified');
  });

  it('removes only Deleting mappings, with their tags and duplicate index', async () => {
    const store = new MemoryMappingStore();
    await store.create(mapping(uuid(1)), { team: 'a' });
    await assert.rejects(store.remove(uuid(1)), code('CONFLICT'));
    await store.update(uuid(1), (m) => ({ ...m, state: 'Deleting' }));
    assert.equal(await store.remove(uuid(1)), true);
    assert.equal(await store.remove(uuid(1)), false);
    assert.equal(await store.get(uuid(1)), undefined);
    await assert.rejects(store.getTags(uuid(1)), code('NOT_FOUND'));
    await store.create(mapping(uuid(2)));
  });

  it('tags: add, replace, remove, at most 50', async () => {
    const store = new MemoryMappingStore();
    await store.create(mapping(uuid(1)), { a: '1' });
    await store.tag(uuid(1), { a: '2', b: '3' });
    await store.untag(uuid(1), ['b', 'missing']);
    assert.deepEqual(await store.getTags(uuid(1)), { a: '2' });
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    await store.tag(uuid(1), many);
    await assert.rejects(store.tag(uuid(1), { extra: 'v' }), code('INVALID_PARAMETER'));
    await store.tag(uuid(1), { k0: 'replaced' });
    await assert.rejects(store.tag(uuid(9), { a: 'b' }), code('NOT_FOUND'));
  });

  it('notifies watchers until unwatched', async () => {
    const store = new MemoryMappingStore();
    const seen: MappingChange[] = [];
    const unwatch = await store.watch((c) => seen.push(c));
    await store.create(mapping(uuid(1)));
    await store.setState(uuid(1), 'Enabled', 'r');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [
      { uuid: uuid(1), kind: 'created' },
      { uuid: uuid(1), kind: 'state' },
    ]);
    await unwatch();
    await store.update(uuid(1), (m) => ({ ...m, batchSize: 2 }));
    await new Promise((r) => setImmediate(r));
    assert.equal(seen.length, 2);
  });
});
