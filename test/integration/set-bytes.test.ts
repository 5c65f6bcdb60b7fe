/**
 * setBytes against the real Redis: the payload write that skips ioredis's copy of the bytes must
 * store exactly the bytes, keep the connection's command order, honour the client's key prefix and
 * offline queue, and read the caller's memory in place (which is why the caller keeps it intact
 * until setBytes settles).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { setBytes } from '../../src/dispatch/set-bytes.ts';
import { LOCAL_REDIS } from '../../tools/services/paths.ts';
import { uniqueName } from '../helpers/wait.ts';

const connection = { host: LOCAL_REDIS.host, port: LOCAL_REDIS.port };

describe('setBytes (real Redis)', () => {
  const prefix = `${uniqueName('setbytes')}:`;
  const clients: Redis[] = [];
  const client = (options: Record<string, unknown> = {}) => {
    const redis = new Redis({ ...connection, ...options });
    clients.push(redis);
    return redis;
  };
  after(async () => {
    const redis = client();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    for (const c of clients) c.disconnect();
  });

  it('stores exactly the bytes of a view into a larger buffer, in order with the commands around it', async () => {
    const redis = client();
    await redis.ping();
    const backing = randomBytes(3 * 1024 * 1024 + 17);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 5, 3 * 1024 * 1024);
    // Issued in one turn: the commands before and after must reach Redis in this order.
    const before = redis.set(`${prefix}order`, 'before');
    const write = setBytes(redis, `${prefix}payload`, view);
    const appended = redis.append(`${prefix}order`, '+after');
    const empty = setBytes(redis, `${prefix}empty`, new Uint8Array(0));
    await Promise.all([before, write, appended, empty]);
    assert.deepEqual(await redis.getBuffer(`${prefix}payload`), Buffer.from(view));
    assert.equal(await redis.get(`${prefix}order`), 'before+after');
    assert.equal(await redis.strlen(`${prefix}empty`), 0);
    assert.equal(await redis.exists(`${prefix}empty`), 1);
  });

  it("applies the client's keyPrefix to the key, as redis.set does", async () => {
    const prefixed = client({ keyPrefix: prefix });
    await setBytes(prefixed, 'via-prefix', Buffer.from('abc'));
    assert.equal(await client().get(`${prefix}via-prefix`), 'abc');
  });

  it('waits in the offline queue and writes the bytes once the client has connected', async () => {
    const lazy = client({ lazyConnect: true });
    assert.equal(lazy.status, 'wait');
    const bytes = randomBytes(256 * 1024);
    await setBytes(lazy, `${prefix}offline`, bytes); // connects the client, queued meanwhile
    assert.deepEqual(await client().getBuffer(`${prefix}offline`), bytes);
  });

  it('reads the caller’s bytes in place: a change made before the socket flushed them reaches Redis', async () => {
    const redis = client();
    await redis.ping(); // connected: the command is written at once, not from the offline queue
    // Larger than any socket buffer: the tail is still queued in Node when setBytes returns its promise.
    const bytes = Buffer.alloc(64 * 1024 * 1024, 0x61);
    const write = setBytes(redis, `${prefix}in-place`, bytes);
    bytes[bytes.length - 1] = 0x62;
    await write;
    const stored = (await redis.getBuffer(`${prefix}in-place`)) as Buffer;
    assert.equal(stored.length, bytes.length);
    assert.equal(stored[stored.length - 1], 0x62, 'no copy was taken when the command was issued');
  });

  it('survives the connection dying mid-write: ioredis writes the command again after reconnecting', async () => {
    const redis = client();
    const id = Number(await redis.client('ID'));
    let reconnects = 0;
    redis.on('reconnecting', () => {
      reconnects += 1;
    });
    redis.on('error', () => undefined); // the reset this test causes
    const admin = client();
    // Paused for writes, the server leaves the SET unread: its tail stays queued in the socket.
    await admin.client('PAUSE', '10000', 'WRITE');
    const bytes = Buffer.alloc(64 * 1024 * 1024, 0x63);
    bytes[bytes.length - 1] = 0x64;
    let settled = false;
    const write = setBytes(redis, `${prefix}killed`, bytes).finally(() => {
      settled = true;
    });
    try {
      await admin.client('KILL', 'ID', String(id));
      assert.equal(settled, false, 'killed mid-write');
    } finally {
      await admin.client('UNPAUSE');
    }
    await write;
    assert.ok(reconnects >= 1);
    const stored = (await client().getBuffer(`${prefix}killed`)) as Buffer;
    assert.equal(stored.length, bytes.length);
    assert.equal(stored[stored.length - 1], 0x64);
    assert.ok(stored.equals(bytes));
  });

  it('rejects as redis.set would when the connection cannot take the command', async () => {
    const closed = client({ lazyConnect: true, enableOfflineQueue: false });
    await assert.rejects(setBytes(closed, `${prefix}never`, Buffer.from('x')), /enableOfflineQueue/);
    assert.equal(await client().exists(`${prefix}never`), 0);
  });
});
