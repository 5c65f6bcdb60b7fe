/**
 * The local Apache Kafka broker: jars from Maven Central (cached), storage formatted once with a
 * generated cluster id and SCRAM users, started detached, and ready only when it answers a Metadata
 * request. Every step says what it is doing; a failure shows the broker's log tail.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG4J2_PROPERTIES, pomXml, scramFormatArgs, serverProperties } from './kafka-config.ts';
import { say } from './log.ts';
import { KAFKA_VERSION, kafkaPaths, LOCAL_KAFKA, LOG4J_VERSION } from './paths.ts';
import { kafkaBrokerCount, kafkaCoordinatorError } from './probe.ts';
import { isAlive, readPid, runOrThrow, tailOf, waitFor } from './run.ts';
import { ensureTls } from './tls.ts';

const JVM_OPTS = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true'];

/** `java` arguments that run one of Kafka's own tools (ConsoleProducer, AclCommand, …) on the cached jars. */
export function kafkaToolArgs(mainClass: string, args: string[]): string[] {
  return [
    `-Dlog4j2.configurationFile=${kafkaPaths.log4j}`,
    '-cp',
    join(kafkaPaths.libs, '*'),
    mainClass,
    ...args,
  ];
}

async function ensureJars(): Promise<void> {
  const stamp = join(kafkaPaths.libs, '.complete');
  if (existsSync(stamp)) return;
  mkdirSync(kafkaPaths.libs, { recursive: true });
  const pomDir = join(kafkaPaths.home, 'pom');
  mkdirSync(pomDir, { recursive: true });
  writeFileSync(join(pomDir, 'pom.xml'), pomXml(KAFKA_VERSION, LOG4J_VERSION));
  say(
    'kafka',
    `fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central with mvn (about 40 s when cold)`,
  );
  await runOrThrow(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${kafkaPaths.libs}`,
    ],
    { cwd: pomDir },
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

async function ensureFormatted(): Promise<void> {
  if (existsSync(join(kafkaPaths.data, 'meta.properties'))) return;
  const { stdout } = await runOrThrow('java', kafkaToolArgs('kafka.tools.StorageTool', ['random-uuid']));
  const clusterId = stdout.trim().split('\n').pop() ?? '';
  say(
    'kafka',
    `formatting KRaft storage (cluster id ${clusterId}) with SCRAM users ${Object.keys(LOCAL_KAFKA.users).join(', ')}`,
  );
  await runOrThrow(
    'java',
    kafkaToolArgs('kafka.tools.StorageTool', [
      'format',
      '-t',
      clusterId,
      '-c',
      kafkaPaths.properties,
      '--ignore-formatted',
      ...scramFormatArgs(),
    ]),
  );
}

export async function kafkaStatus(): Promise<{ running: boolean; pid?: number; brokers?: number }> {
  const pid = readPid(kafkaPaths.pid);
  const brokers = await kafkaBrokerCount('127.0.0.1', LOCAL_KAFKA.ports.plaintext);
  const running = brokers !== undefined && brokers > 0;
  return { running, ...(pid && isAlive(pid) ? { pid } : {}), ...(brokers === undefined ? {} : { brokers }) };
}

export async function kafkaUp(): Promise<void> {
  if ((await kafkaStatus()).running) {
    say('kafka', `already up on ${LOCAL_KAFKA.plaintext}`);
    return;
  }
  const stale = readPid(kafkaPaths.pid);
  if (stale && isAlive(stale)) {
    say('kafka', `process ${stale} is starting; waiting for it`);
  } else {
    mkdirSync(kafkaPaths.home, { recursive: true });
    await ensureJars();
    await ensureTls(kafkaPaths.tls);
    writeFileSync(kafkaPaths.log4j, LOG4J2_PROPERTIES);
    writeFileSync(kafkaPaths.properties, serverProperties(kafkaPaths.data, kafkaPaths.tls));
    await ensureFormatted();
    say('kafka', `starting the broker (KRaft combined mode), log: ${kafkaPaths.log}`);
    const log = openSync(kafkaPaths.log, 'a');
    const child = spawn('java', [...JVM_OPTS, ...kafkaToolArgs('kafka.Kafka', [kafkaPaths.properties])], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error('could not start java');
    writeFileSync(kafkaPaths.pid, `${child.pid}\n`);
    child.unref();
  }
  const pid = readPid(kafkaPaths.pid);
  try {
    await waitFor(
      `the broker to answer Metadata on ${LOCAL_KAFKA.plaintext}`,
      async () => {
        if (pid && !isAlive(pid)) throw new Error('the broker process exited');
        return (await kafkaStatus()).running;
      },
      {
        timeoutMs: 120_000,
        intervalMs: 300,
        onTick: (ms) => say('kafka', `waiting for the broker (${Math.round(ms / 1000)} s)`),
      },
    );
  } catch (error) {
    throw new Error(
      `Kafka did not come up: ${(error as Error).message}\n--- tail of ${kafkaPaths.log} ---\n${tailOf(kafkaPaths.log)}`,
    );
  }
  // A fresh cluster creates __consumer_offsets on the first group lookup; until its coordinator is
  // loaded, librdkafka 2.15's admin ListConsumerGroupOffsets crashes on NOT_COORDINATOR (a NULL cgrp
  // in rd_kafka_handle_OffsetFetch). Ready means ready for consumer groups too.
  await waitFor(
    'the group coordinator',
    async () => (await kafkaCoordinatorError('127.0.0.1', LOCAL_KAFKA.ports.plaintext)) === 0,
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      onTick: (ms) => say('kafka', `waiting for the group coordinator (${Math.round(ms / 1000)} s)`),
    },
  );
  say(
    'kafka',
    `up: PLAINTEXT ${LOCAL_KAFKA.plaintext}, SASL_PLAINTEXT ${LOCAL_KAFKA.saslPlaintext}, SSL ${LOCAL_KAFKA.ssl}, SASL_SSL ${LOCAL_KAFKA.saslSsl}`,
  );
}

export async function kafkaDown(): Promise<void> {
  const pid = readPid(kafkaPaths.pid);
  if (!pid || !isAlive(pid)) {
    say('kafka', 'not running (started by this tool)');
    return;
  }
  say('kafka', `stopping broker ${pid}`);
  process.kill(pid, 'SIGTERM');
  await waitFor('the broker to exit', async () => !isAlive(pid), { timeoutMs: 60_000 }).catch(() => {
    say('kafka', 'still alive after 60 s: SIGKILL');
    process.kill(pid, 'SIGKILL');
  });
}
