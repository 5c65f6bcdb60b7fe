/**
 * kill -9 of the bridge process while a function runs, then a restart: no offset is lost, and the only
 * records invoked twice are those of the batch that was in flight when the process died (the new
 * process adopts that batch's job from Redis and finishes it).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FUNCTIONS_DIR, invocations, OUT_DIR } from '../../helpers/bridge.ts';
import { BOOTSTRAP, committedOffsets, createTopic, endOffsets, produce } from '../../helpers/kafka.ts';
import { uniqueName, waitFor } from '../../helpers/wait.ts';

/** kill -9 and SIGTERM of a bridge process, on one consumer adapter. */
export function crashSuite(consumer: 'native' | 'binding'): void {
  const REPO = join(import.meta.dirname, '..', '..', '..');
  const children: ChildProcess[] = [];

  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  function startBridgeProcess(configFile: string): ChildProcess {
    const child = spawn(process.execPath, [join(REPO, 'src', 'cli.ts'), 'serve'], {
      cwd: REPO,
      env: {
        ...process.env,
        KLB_CONSUMER: consumer,
        KLB_CONFIG: configFile,
        KLB_TEST_OUT: OUT_DIR,
        KLB_LOG_LEVEL: process.env.KLB_TEST_CHILD_LOG ?? 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }

  describe(`crash recovery (${consumer} consumer)`, () => {
    it('after kill -9 mid-invocation and a restart, loses nothing and duplicates only the in-flight batch', async () => {
      const topic = uniqueName('crash');
      await createTopic(topic, 2);
      const perPartition = 60;
      const batchSize = 15;
      await produce(
        topic,
        Array.from({ length: 2 * perPartition }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 2 })),
      );
      const uuid = '6b1f0c2e-5d4a-4e3b-9c8d-7a6b5c4d3e2f'.replace(
        '6b1f',
        Math.floor(Math.random() * 0xffff)
          .toString(16)
          .padStart(4, '0'),
      );
      const configFile = join(OUT_DIR, `${topic}.config.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          redisPrefix: uniqueName('klbt'),
          admin: { host: '127.0.0.1', port: 0, open: true },
          functionsDir: FUNCTIONS_DIR,
          retry: { baseDelayMs: 50, maxDelayMs: 400 },
          mappings: [
            {
              UUID: uuid,
              FunctionName: 'recorder',
              Topics: [topic],
              StartingPosition: 'TRIM_HORIZON',
              BatchSize: batchSize,
              SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
            },
          ],
        }),
      );
      const slowFlag = join(OUT_DIR, `${topic}.slow-ms`);
      writeFileSync(slowFlag, '1500');

      const first = startBridgeProcess(configFile);
      // Wait until a batch has completed and another one is in the middle of its invocation.
      await waitFor(
        'an invocation in progress after a completed one',
        () => {
          const done = invocations(topic, 'done').length;
          const started = invocations(topic, 'start').length;
          return done >= 1 && started > done;
        },
        { timeoutMs: 60_000 },
      );
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const committedAtKill = await committedOffsets(uuid, topic);
      const startedBeforeKill = invocations(topic, 'start').length;
      assert.ok(startedBeforeKill > invocations(topic, 'done').length, 'killed during an invocation');

      rmSync(slowFlag);
      const second = startBridgeProcess(configFile);
      const ends = await endOffsets(topic);
      await waitFor(
        'the restarted bridge to commit to the end',
        async () => {
          const committed = await committedOffsets(uuid, topic);
          return [...ends].every(([p, end]) => committed.get(p) === end) ? committed : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));

      const counts = new Map<string, number>();
      for (const line of invocations(topic, 'start')) {
        for (const o of line.offsets)
          counts.set(`${line.partition}:${o}`, (counts.get(`${line.partition}:${o}`) ?? 0) + 1);
      }
      for (const [p, end] of ends) {
        const from = committedAtKill.get(p) ?? 0;
        for (let o = 0; o < end; o += 1) {
          const n = counts.get(`${p}:${o}`) ?? 0;
          assert.ok(n >= 1, `partition ${p} offset ${o} was invoked`);
          if (n > 1) {
            assert.ok(
              o >= from && o < from + batchSize,
              `partition ${p} offset ${o} duplicated outside the in-flight batch`,
            );
          }
        }
      }
    });

    it('SIGTERM drains: the in-flight invocation finishes, its offsets are committed, exit code 0', async () => {
      const topic = uniqueName('drain');
      await createTopic(topic, 1);
      await produce(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: null, value: `v${i}` })),
      );
      const uuid = crypto.randomUUID();
      const configFile = join(OUT_DIR, `${topic}.config.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          redisPrefix: uniqueName('klbt'),
          admin: { host: '127.0.0.1', port: 0, open: true },
          functionsDir: FUNCTIONS_DIR,
          mappings: [
            {
              UUID: uuid,
              FunctionName: 'recorder',
              Topics: [topic],
              StartingPosition: 'TRIM_HORIZON',
              BatchSize: 10,
              SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
            },
          ],
        }),
      );
      writeFileSync(join(OUT_DIR, `${topic}.slow-ms`), '2000');
      const child = startBridgeProcess(configFile);
      await waitFor('the invocation to start', () => invocations(topic, 'start').length >= 1, {
        timeoutMs: 60_000,
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(invocations(topic, 'done').length, 1, 'the in-flight invocation finished');
      assert.equal((await committedOffsets(uuid, topic)).get(0), 10, 'and its offsets were committed');
    });
  });
}
