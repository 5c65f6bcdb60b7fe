/**
 * Local Redis: Debian's redis-server on loopback when nothing answers there yet, with AOF persistence
 * and `noeviction` (BullMQ loses jobs under any eviction policy).
 */
import { mkdirSync } from 'node:fs';
import { say } from './log.ts';
import { LOCAL_REDIS, redisPaths } from './paths.ts';
import { redisPing } from './probe.ts';
import { isAlive, readPid, runOrThrow, tailOf, waitFor } from './run.ts';

export async function redisStatus(): Promise<{ running: boolean; pid?: number }> {
  const pid = readPid(redisPaths.pid);
  const running = await redisPing(LOCAL_REDIS.host, LOCAL_REDIS.port);
  return { running, ...(pid && isAlive(pid) ? { pid } : {}) };
}

export async function redisUp(): Promise<void> {
  if ((await redisStatus()).running) {
    say('redis', `already answering on ${LOCAL_REDIS.host}:${LOCAL_REDIS.port}`);
    return;
  }
  mkdirSync(redisPaths.home, { recursive: true });
  say(
    'redis',
    `starting redis-server on ${LOCAL_REDIS.host}:${LOCAL_REDIS.port} (AOF, noeviction), log: ${redisPaths.log}`,
  );
  await runOrThrow('redis-server', [
    '--port',
    String(LOCAL_REDIS.port),
    '--bind',
    LOCAL_REDIS.host,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'yes',
    '--dir',
    redisPaths.home,
    '--pidfile',
    redisPaths.pid,
    '--logfile',
    redisPaths.log,
  ]);
  try {
    await waitFor('redis to answer PING', async () => (await redisStatus()).running, { timeoutMs: 20_000 });
  } catch (error) {
    throw new Error(`Redis did not come up: ${(error as Error).message}\n${tailOf(redisPaths.log)}`);
  }
  say('redis', 'up');
}

export async function redisDown(): Promise<void> {
  const pid = readPid(redisPaths.pid);
  if (!pid || !isAlive(pid)) {
    say('redis', 'not running (started by this tool)');
    return;
  }
  say('redis', `stopping redis-server ${pid}`);
  process.kill(pid, 'SIGTERM');
  await waitFor('redis to exit', async () => !isAlive(pid), { timeoutMs: 20_000 });
}
