/**
 * The admin API for real: RedisMappingStore on the local Redis (a unique key prefix per run, removed
 * afterwards), the Hono app on a loopback HTTP port, @aws-sdk/client-lambda and the AWS CLI v2
 * (/usr/bin/aws) signing with SigV4 against configured credentials.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvalidParameterValueException,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  paginateListEventSourceMappings,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { createAdminApp } from '../../src/admin/app.ts';
import { isBridgeError } from '../../src/errors.ts';
import { RedisMappingStore } from '../../src/mapping/redis-store.ts';
import type { Mapping, MappingChange } from '../../src/mapping/types.ts';
import { LOCAL_REDIS } from '../../tools/services/paths.ts';
import { uniqueName, waitFor } from '../helpers/wait.ts';

const exec = promisify(execFile);
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const ACCESS_KEY = 'AKIDINTEGRATION';
const SECRET = 'integration/secret+key';
const MSK_ARN =
  'arn:aws:kafka:eu-west-1:111122223333:cluster/demo-cluster/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-1';
const clusters = new Map([
  [MSK_ARN, { bootstrapServers: ['b-1.demo.example:9092', 'b-2.demo.example:9092'] }],
]);

const prefix = `${uniqueName('klb-admin-it')}:`;
let redis: Redis;
let store: RedisMappingStore;
let server: ReturnType<typeof serve>;
let endpoint = '';
let awsHome = '';
const extraConnections: Redis[] = [];

/** A second ioredis connection, as another bridge instance would have; closed in after(). */
function secondConnection(): Redis {
  const c = redis.duplicate();
  extraConnections.push(c);
  return c;
}

function lambda(secret = SECRET): LambdaClient {
  return new LambdaClient({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: secret },
    maxAttempts: 1,
  });
}

async function aws(args: string[], secret = SECRET): Promise<Record<string, unknown>> {
  const { stdout } = await exec('/usr/bin/aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: {
      PATH: '/usr/bin:/bin',
      HOME: awsHome,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_REGION: REGION,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(awsHome, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(awsHome, 'credentials'),
    },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

before(async () => {
  redis = new Redis({ host: LOCAL_REDIS.host, port: LOCAL_REDIS.port, maxRetriesPerRequest: 3 });
  await redis.ping();
  store = new RedisMappingStore({ redis, prefix });
  const app = createAdminApp({
    store,
    clusters,
    accountId: ACCOUNT,
    region: REGION,
    auth: { sigv4Credentials: { [ACCESS_KEY]: SECRET }, bearerTokens: ['integration-bearer-token'] },
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  awsHome = mkdtempSync(join(tmpdir(), 'klb-aws-'));
});

after(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
  await Promise.all(extraConnections.map((c) => c.quit()));
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(awsHome, { recursive: true, force: true });
});

/** What the runtime does after Creating/Updating: move the mapping on. */
async function settle(uuid: string): Promise<void> {
  await store.setState(uuid, 'Enabled', 'User action');
}

describe('admin API over HTTP with the AWS SDK', () => {
  it('create, get, list across pages, update, delete', async () => {
    const client = lambda();
    const created = await client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'sdk-fn',
        EventSourceArn: MSK_ARN,
        Topics: ['sdk-topic'],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 250,
        Tags: { team: 'it' },
      }),
    );
    assert.equal(created.State, 'Creating');
    const uuid = created.UUID as string;
    assert.equal((await client.send(new GetEventSourceMappingCommand({ UUID: uuid }))).BatchSize, 250);
    assert.deepEqual(
      (await client.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn as string }))).Tags,
      { team: 'it' },
    );
    await client.send(
      new TagResourceCommand({ Resource: created.EventSourceMappingArn as string, Tags: { env: 'ci' } }),
    );

    for (let i = 0; i < 104; i++) {
      await client.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'page-fn',
          Topics: [`page-${i}`],
          StartingPosition: 'LATEST',
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka.internal:9092'] } },
        }),
      );
    }
    const firstPage = await client.send(new ListEventSourceMappingsCommand({ FunctionName: 'page-fn' }));
    assert.equal(firstPage.EventSourceMappings?.length, 100);
    assert.ok(firstPage.NextMarker);
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of paginateListEventSourceMappings(
      { client, pageSize: 40 },
      { FunctionName: 'page-fn' },
    )) {
      pages++;
      for (const m of page.EventSourceMappings ?? []) seen.add(m.UUID as string);
    }
    assert.equal(seen.size, 104);
    assert.equal(pages, 3);

    await settle(uuid);
    const updated = await client.send(
      new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 500, Enabled: false }),
    );
    assert.deepEqual([updated.State, updated.BatchSize], ['Disabling', 500]);
    await store.setState(uuid, 'Disabled', 'User action');
    const deleted = await client.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleted.State, 'Deleting');
    assert.equal(await store.remove(uuid), true);
    await assert.rejects(
      client.send(new GetEventSourceMappingCommand({ UUID: uuid })),
      ResourceNotFoundException,
    );
    assert.equal(await redis.exists(`${prefix}esm:tags:${uuid}`), 0, 'tags removed with the mapping');
  });

  it('typed errors', async () => {
    const client = lambda();
    await assert.rejects(
      client.send(new GetEventSourceMappingCommand({ UUID: '3f0c2b1a-0000-4000-8000-000000000000' })),
      (err) =>
        err instanceof ResourceNotFoundException &&
        err.message === 'The resource you requested does not exist.',
    );
    await assert.rejects(
      client.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'f',
          EventSourceArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/unknown/x',
          Topics: ['tt'],
          StartingPosition: 'LATEST',
        }),
      ),
      (err) =>
        err instanceof InvalidParameterValueException && /Unknown Amazon MSK cluster/.test(err.message),
    );
    await assert.rejects(
      client.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'f',
          EventSourceArn: MSK_ARN,
          Topics: ['tt'],
          StartingPosition: 'LATEST',
          MaximumRecordAgeInSeconds: 30,
        }),
      ),
      InvalidParameterValueException,
    );
    // An http(s) OnFailure destination needs its host in the operator's destinationHosts (none here):
    // a caller cannot aim the bridge at internal services such as the cloud metadata endpoint.
    await assert.rejects(
      client.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'f',
          EventSourceArn: MSK_ARN,
          Topics: ['tt'],
          StartingPosition: 'LATEST',
          DestinationConfig: { OnFailure: { Destination: 'http://169.254.169.254/latest/meta-data/' } },
        }),
      ),
      (err) =>
        err instanceof InvalidParameterValueException &&
        err.$metadata.httpStatusCode === 400 &&
        /169\.254\.169\.254 is not allowed/.test(err.message),
    );
    const body = {
      FunctionName: 'dup-fn',
      EventSourceArn: MSK_ARN,
      Topics: ['dup-topic'],
      StartingPosition: 'LATEST' as const,
    };
    const first = await client.send(new CreateEventSourceMappingCommand(body));
    await assert.rejects(client.send(new CreateEventSourceMappingCommand(body)), (err) => {
      assert.ok(err instanceof ResourceConflictException);
      assert.match(err.message, new RegExp(`existing mapping with UUID ${first.UUID}$`));
      return true;
    });
  });

  it('verifies SigV4 for real: a wrong secret is refused with 403 InvalidSignatureException', async () => {
    await assert.rejects(
      lambda('not-the-secret').send(new ListEventSourceMappingsCommand({})),
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'InvalidSignatureException');
        assert.equal(err.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    const unsigned = await fetch(`${endpoint}/2015-03-31/event-source-mappings`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    const bearer = await fetch(`${endpoint}/2015-03-31/event-source-mappings?MaxItems=1`, {
      headers: { authorization: 'Bearer integration-bearer-token' },
    });
    assert.equal(bearer.status, 200);
  });

  it('rejects an oversized body over a real socket with 413', async () => {
    const res = await fetch(`${endpoint}/2015-03-31/event-source-mappings`, {
      method: 'POST',
      headers: { authorization: 'Bearer integration-bearer-token' },
      body: 'x'.repeat(300 * 1024),
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('x-amzn-errortype'), 'RequestTooLargeException');
  });
});

describe('AWS CLI v2 (/usr/bin/aws)', () => {
  it('create-event-source-mapping and get-event-source-mapping', async () => {
    const created = await aws([
      'lambda',
      'create-event-source-mapping',
      '--event-source-arn',
      MSK_ARN,
      '--topics',
      'AWSKafkaTopic',
      '--starting-position',
      'LATEST',
      '--function-name',
      'my-kafka-function',
    ]);
    console.log('aws lambda create-event-source-mapping →', JSON.stringify(created));
    assert.equal(created.State, 'Creating');
    assert.equal(created.EventSourceArn, MSK_ARN);
    assert.deepEqual(created.Topics, ['AWSKafkaTopic']);
    assert.equal(created.FunctionArn, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:my-kafka-function`);
    assert.equal(created.BatchSize, 100);
    assert.equal(created.LastProcessingResult, 'No records processed');
    const uuid = created.UUID as string;
    const got = await aws(['lambda', 'get-event-source-mapping', '--uuid', uuid]);
    console.log('aws lambda get-event-source-mapping →', JSON.stringify(got));
    assert.equal(got.UUID, uuid);
    assert.deepEqual(got.AmazonManagedKafkaEventSourceConfig, { ConsumerGroupId: uuid });
    const stored = (await store.get(uuid)) as Mapping;
    assert.deepEqual(stored.bootstrapServers, clusters.get(MSK_ARN)?.bootstrapServers);
  });

  it('a wrong secret fails with InvalidSignatureException', async () => {
    await assert.rejects(
      aws(['lambda', 'list-event-source-mappings'], 'wrong-secret'),
      (err: Error & { stderr?: string }) => {
        assert.match(err.stderr ?? '', /InvalidSignatureException/);
        return true;
      },
    );
  });
});

describe('RedisMappingStore across instances', () => {
  const base = async (uuid: string, topic: string): Promise<Mapping> => {
    const client = lambda();
    const out = await client.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'store-fn',
        Topics: [topic],
        StartingPosition: 'LATEST',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka.internal:9092'] } },
      }),
    );
    const m = (await store.get(out.UUID as string)) as Mapping;
    return { ...m, uuid, arn: m.arn.replace(m.uuid, uuid), consumerGroupId: uuid, topic: `${topic}-copy` };
  };

  it('two instances racing to create the same mapping: exactly one wins', async () => {
    const other = new RedisMappingStore({ redis: secondConnection(), prefix });
    const template = await base('11111111-1111-4111-8111-111111111111', 'race');
    const results = await Promise.allSettled([
      store.create(template),
      other.create({ ...template, uuid: '22222222-2222-4222-8222-222222222222' }),
      other.create({ ...template, uuid: '33333333-3333-4333-8333-333333333333' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected')
        assert.ok(isBridgeError(r.reason) && r.reason.context.kind === 'duplicate');
    }
  });

  it('concurrent compare-and-set writes lose nothing', async () => {
    const other = new RedisMappingStore({ redis: secondConnection(), prefix });
    const m = await base('44444444-4444-4444-8444-444444444444', 'cas');
    await store.create(m);
    const bump = (s: RedisMappingStore) =>
      s.update(m.uuid, (cur) => ({ ...cur, batchSize: cur.batchSize + 1 }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 === 0 ? store : other)));
    const final = (await store.get(m.uuid)) as Mapping;
    assert.equal(final.batchSize, m.batchSize + 10);
    assert.equal(final.version, m.version + 10);
  });

  it('change notices reach watchers of another instance', async () => {
    const other = new RedisMappingStore({ redis: secondConnection(), prefix });
    const seen: MappingChange[] = [];
    const unwatch = await other.watch((c) => seen.push(c));
    const m = await base('55555555-5555-4555-8555-555555555555', 'watch');
    await store.create(m);
    await store.setState(m.uuid, 'Enabled', 'User action');
    await store.update(m.uuid, (cur) => ({ ...cur, state: 'Deleting' }), 'deleting');
    await store.remove(m.uuid);
    await waitFor('four notices', () => seen.filter((c) => c.uuid === m.uuid).length >= 4 || undefined, {
      timeoutMs: 5000,
    });
    assert.deepEqual(
      seen.filter((c) => c.uuid === m.uuid).map((c) => c.kind),
      ['created', 'state', 'deleting', 'removed'],
    );
    await unwatch();
  });

  it('refuses stale runtime moves and removal outside Deleting', async () => {
    const m = await base('66666666-6666-4666-8666-666666666666', 'stale');
    await store.create({ ...m, enabled: false });
    await assert.rejects(
      store.setState(m.uuid, 'Enabled', 'x'),
      (err) => isBridgeError(err) && err.code === 'CONFLICT',
    );
    await assert.rejects(store.remove(m.uuid), (err) => isBridgeError(err) && err.code === 'CONFLICT');
    const lpr = await store.setLastProcessingResult(m.uuid, 'OK');
    assert.equal(lpr.lastProcessingResult, 'OK');
  });
});
