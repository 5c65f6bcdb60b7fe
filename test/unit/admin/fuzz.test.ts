/**
 * Fuzzing the admin app with fast-check: thousands of malformed bodies, paths and headers. Every
 * response must be a 4xx carrying the Lambda error shape, and the stored mappings must not change.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { call, MSK, makeApp, SELF_MANAGED, TOKEN } from './helpers.ts';

const BASE = '/2015-03-31/event-source-mappings';
const { app, store } = makeApp();
let existing: string[] = [];
let snapshot = '';

async function storeState(): Promise<string> {
  const all = await store.all();
  const tags = await Promise.all(all.map((m) => store.getTags(m.uuid)));
  return JSON.stringify({ all, tags });
}

async function assertLambdaError(res: Response): Promise<void> {
  const text = await res.text();
  assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}: ${text}`);
  assert.match(res.headers.get('x-amzn-ErrorType') ?? '', /^[A-Za-z]+Exception$/);
  assert.match(res.headers.get('x-amzn-RequestId') ?? '', /^[0-9a-f-]{36}$/);
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.equal(body.Type, 'User');
  assert.equal(typeof (body.message ?? body.Message), 'string');
}

const runs = { numRuns: 600 };

/** Values that break each member, whatever its valid domain is. */
const anyJson = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
);
const invalidMember: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(
    fc.constant('BatchSize'),
    fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 10001 }),
      fc.double({ noInteger: true }),
      fc.string(),
      fc.constant(null),
    ),
  ),
  fc.tuple(
    fc.constant('MaximumBatchingWindowInSeconds'),
    fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 301 }), fc.string()),
  ),
  fc.tuple(
    fc.constant('MaximumRetryAttempts'),
    fc.oneof(fc.integer({ max: -2 }), fc.integer({ min: 10001 })),
  ),
  fc.tuple(
    fc.constant('MaximumRecordAgeInSeconds'),
    fc.oneof(fc.integer({ max: -2 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 604801 })),
  ),
  fc.tuple(
    fc.constant('Topics'),
    fc.oneof(
      fc.constant([]),
      fc.array(fc.constant('tt'), { minLength: 2, maxLength: 4 }),
      fc.array(
        fc.string().filter((s) => !/^[^.]([a-zA-Z0-9\-_.]+)$/.test(s) || s.length > 249),
        { minLength: 1, maxLength: 1 },
      ),
      fc.string(),
    ),
  ),
  fc.tuple(
    fc.constant('StartingPosition'),
    fc.string().filter((s) => !['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP'].includes(s)),
  ),
  fc.tuple(
    fc.constant('FilterCriteria'),
    fc.oneof(
      fc.constant({ Filters: Array.from({ length: 6 }, () => ({ Pattern: '{"value":{"a":["b"]}}' })) }),
      fc.record({
        Filters: fc.array(
          fc.record({ Pattern: fc.string({ minLength: 1 }).filter((s) => !s.trim().startsWith('{')) }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      anyJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    ),
  ),
  fc.tuple(
    fc.constant('DestinationConfig'),
    fc.oneof(
      fc.record({ OnSuccess: fc.record({ Destination: fc.string() }) }),
      fc.record({
        OnFailure: fc.record({
          Destination: fc
            .string({ minLength: 1 })
            .filter((s) => !s.startsWith('arn:') && !s.startsWith('kafka://')),
        }),
      }),
    ),
  ),
  fc.tuple(
    fc.constant('SourceAccessConfigurations'),
    fc.oneof(
      fc
        .array(fc.record({ Type: fc.string(), URI: fc.string() }), { minLength: 1, maxLength: 3 })
        .filter((a) => a.some((c) => !/^[A-Z_]+$/.test(c.Type))),
      fc.constant(Array.from({ length: 23 }, () => ({ Type: 'VPC_SUBNET', URI: 'subnet:a' }))),
    ),
  ),
  fc.tuple(
    fc.constant('ProvisionedPollerConfig'),
    fc.oneof(
      fc.record({ MinimumPollers: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 201 })) }),
      fc.record({ MaximumPollers: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 2001 })) }),
      fc.record({ PollerGroupName: fc.string({ minLength: 1 }).filter((s) => !/^[a-zA-Z0-9-_]*$/.test(s)) }),
    ),
  ),
  fc.tuple(
    fc.constant('FunctionResponseTypes'),
    fc.array(
      fc.string().filter((s) => s !== 'ReportBatchItemFailures'),
      { minLength: 1, maxLength: 2 },
    ),
  ),
  fc.tuple(fc.constant('Enabled'), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  fc.tuple(
    fc.constant('FunctionName'),
    fc.oneof(
      fc.constant(''),
      fc.string().filter((s) => /[^a-zA-Z0-9-_:$]/.test(s)),
      fc.integer(),
    ),
  ),
  fc.tuple(
    fc
      .string({ minLength: 1 })
      .filter(
        (k) =>
          !/^(FunctionName|Enabled|BatchSize|FilterCriteria|KMSKeyArn|MetricsConfig|LoggingConfig|MaximumBatchingWindowInSeconds|DestinationConfig|MaximumRecordAgeInSeconds|BisectBatchOnFunctionError|MaximumRetryAttempts|SourceAccessConfigurations|FunctionResponseTypes|AmazonManagedKafkaEventSourceConfig|SelfManagedKafkaEventSourceConfig|ProvisionedPollerConfig)$/.test(
            k,
          ),
      ),
    anyJson.filter((v) => v !== undefined),
  ),
);

before(async () => {
  const a = (await (await call(app, 'POST', BASE, MSK)).json()) as { UUID: string };
  const b = (await (await call(app, 'POST', BASE, { ...SELF_MANAGED, Tags: { team: 'x' } })).json()) as {
    UUID: string;
  };
  existing = [a.UUID, b.UUID];
  await store.setState(a.UUID, 'Enabled', 'User action');
  await store.setState(b.UUID, 'Enabled', 'User action');
  snapshot = await storeState();
});

describe('admin API fuzz', () => {
  it('random bodies to create', async () => {
    const body = fc
      .oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string(),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n)),
        fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      )
      .filter((s) => !s.includes('FunctionName'));
    await fc.assert(
      fc.asyncProperty(body, async (b) => assertLambdaError(await call(app, 'POST', BASE, b))),
      runs,
    );
  });

  it('valid create bodies with one broken member', async () => {
    const base = fc.constantFrom<Record<string, unknown>>(MSK, SELF_MANAGED, {
      ...SELF_MANAGED,
      Topics: ['other-topic'],
    });
    await fc.assert(
      fc.asyncProperty(base, invalidMember, async (b, [k, v]) =>
        assertLambdaError(await call(app, 'POST', BASE, { ...b, [k]: v })),
      ),
      runs,
    );
  });

  it('updates with one broken member never change the mapping', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...existing), invalidMember, async (uuid, [k, v]) => {
        if (k === 'Enabled' && typeof v === 'boolean') return;
        await assertLambdaError(await call(app, 'PUT', `${BASE}/${uuid}`, { [k]: v }));
      }),
      runs,
    );
  });

  it('random paths, methods and list queries', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD_');
    const segment = fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s));
    // "." and ".." are dot segments: URL parsing resolves `${BASE}/.` to `${BASE}/` (the list, rightly
    // 200) before any server sees it, so as a last segment they name no mapping and are left out.
    const name = segment.filter((s) => !existing.includes(s) && s !== '' && s !== '.' && s !== '..');
    const path = fc.oneof(
      name.map((s) => `${BASE}/${s}`),
      fc.tuple(segment, segment).map(([a, b]) => `${BASE}/${a}/${b}x`),
      segment.map((s) => `/2015-03-31/${s}x`),
      segment.map((s) => `/${s}x/nope`),
      segment.map((s) => `/2017-03-31/tags/${s}x`),
      fc
        .uuid()
        .map(
          (u) =>
            `/2017-03-31/tags/${encodeURIComponent(`arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${u}`)}`,
        ),
      fc.uuid().map((u) => `${BASE}/${u}`),
    );
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const realMethod = m === 'HEAD_' ? 'GET' : m;
        await assertLambdaError(
          await call(app, realMethod, p, realMethod === 'POST' || realMethod === 'PUT' ? '{}' : undefined),
        );
      }),
      runs,
    );
    const badMaxItems = fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 10001 }),
      fc.string({ minLength: 1 }).filter((s) => !/^\d+$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(badMaxItems, async (n) =>
        assertLambdaError(await call(app, 'GET', `${BASE}?MaxItems=${encodeURIComponent(String(n))}`)),
      ),
      runs,
    );
    const badMarker = fc.string({ minLength: 1 }).filter((s) => !/^[A-Za-z0-9_-]+$/.test(s));
    await fc.assert(
      fc.asyncProperty(badMarker, async (mk) =>
        assertLambdaError(await call(app, 'GET', `${BASE}?Marker=${encodeURIComponent(mk)}`)),
      ),
      runs,
    );
  });

  it('malformed credentials and headers', async () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 80,
    });
    const authorization = fc
      .oneof(
        printable,
        printable.map((s) => `Bearer ${s}`),
        fc
          .tuple(printable, printable, fc.stringMatching(/^[0-9a-f]{64}$/))
          .map(
            ([cred, signed, sig]) =>
              `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=${signed}, Signature=${sig}`,
          ),
        fc
          .stringMatching(/^[0-9a-f]{64}$/)
          .map(
            (sig) =>
              `AWS4-HMAC-SHA256 Credential=AKIDBRIDGETEST/20260101/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
          ),
      )
      .filter((a) => a.trim() !== '' && a !== `Bearer ${TOKEN}`);
    const extraHeaders = fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), printable, { maxKeys: 4 });
    const amzDate = fc.oneof(
      printable,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/[-:]|\.\d{3}/g, '')),
    );
    await fc.assert(
      fc.asyncProperty(
        authorization,
        extraHeaders,
        amzDate,
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        async (auth, extra, date, method) => {
          const res = await app.request(
            `http://bridge.test${BASE}${method === 'GET' || method === 'POST' ? '' : `/${existing[0]}`}`,
            {
              method,
              headers: { ...extra, authorization: auth, 'x-amz-date': date },
              ...(method === 'POST' || method === 'PUT' ? { body: JSON.stringify({ BatchSize: 5 }) } : {}),
            },
          );
          assert.equal(res.status, 403);
          await assertLambdaError(res);
        },
      ),
      runs,
    );
    const validTokenOddHeaders = fc.dictionary(
      fc
        .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
        .filter((h) => !['authorization', 'host', 'content-length', 'transfer-encoding'].includes(h)),
      printable,
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(validTokenOddHeaders, async (headers) => {
        const res = await app.request(`http://bridge.test${BASE}`, {
          method: 'POST',
          headers: { ...headers, authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ ...MSK, BatchSize: 0 }),
        });
        await assertLambdaError(res);
      }),
      runs,
    );
  });

  it('left the stored mappings unchanged', async () => {
    assert.equal(await storeState(), snapshot);
  });
});
