/**
 * Failure handling beyond AWS on real Kafka and Redis: partial batch responses, retry limits with
 * bisect, failure destinations and the failed-batch store, replay, and FilterCriteria.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { invocations, OUT_DIR, startTestBridge, type TestBridge } from '../helpers/bridge.ts';
import { BOOTSTRAP, committedOffsets, createTopic, endOffsets, produce } from '../helpers/kafka.ts';
import { uniqueName, waitFor } from '../helpers/wait.ts';

let tb: TestBridge;

before(async () => {
  tb = await startTestBridge();
});

after(async () => {
  await tb?.close();
});

async function createMapping(
  input: Partial<CreateEventSourceMappingCommandInput> & { FunctionName: string; Topics: string[] },
): Promise<string> {
  const out = await tb.lambda.send(
    new CreateEventSourceMappingCommand({
      StartingPosition: 'TRIM_HORIZON',
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [BOOTSTRAP] } },
      ...input,
    }),
  );
  assert.ok(out.UUID);
  return out.UUID;
}

async function waitCommitted(group: string, topic: string): Promise<void> {
  const ends = await endOffsets(topic);
  await waitFor(
    `group ${group} to commit the end of ${topic}`,
    async () => {
      const committed = await committedOffsets(group, topic);
      return [...ends].every(([p, end]) => committed.get(p) === end);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

describe('failure handling', () => {
  it('a partial batch response retries from the lowest failed offset only', async () => {
    const topic = uniqueName('partial');
    await createTopic(topic, 1);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: `p${i}` })),
    );
    writeFileSync(join(OUT_DIR, `${topic}.partial`), '8,6');
    const uuid = await createMapping({
      FunctionName: 'partial',
      Topics: [topic],
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    await waitCommitted(uuid, topic);
    const lines = invocations(topic);
    assert.deepEqual(
      lines.map((l) => l.offsets),
      [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [6, 7, 8, 9],
      ],
    );
  });

  describe('FilterCriteria (EventBridge patterns on the record value)', () => {
    const values = [
      { status: 'PAID', amount: 120, region: 'eu-west-1', coupon: 'X1' },
      { status: 'PAID', amount: 5, region: 'us-east-1' },
      { status: 'REFUNDED', amount: 50, region: 'eu-central-1', coupon: 'Y2' },
      { status: 'PENDING', amount: 300, region: 'ap-south-1' },
    ];
    const cases: Array<[string, object, number[]]> = [
      ['exact match', { value: { status: ['PAID'] } }, [0, 1]],
      ['prefix', { value: { region: [{ prefix: 'eu-' }] } }, [0, 2]],
      ['numeric range', { value: { amount: [{ numeric: ['>', 10, '<=', 300] }] } }, [0, 2, 3]],
      ['exists', { value: { coupon: [{ exists: true }] } }, [0, 2]],
      ['anything-but', { value: { status: [{ 'anything-but': ['PAID', 'PENDING'] }] } }, [2]],
    ];
    for (const [name, pattern, kept] of cases) {
      it(`${name}: only matching records are invoked; all offsets are committed`, async () => {
        const topic = uniqueName('filter');
        await createTopic(topic, 1);
        await produce(
          topic,
          values.map((v) => ({ key: null, value: JSON.stringify(v) })),
        );
        const uuid = await createMapping({
          FunctionName: 'recorder',
          Topics: [topic],
          BatchSize: 10,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(pattern) }] },
        });
        await waitCommitted(uuid, topic);
        assert.deepEqual(
          invocations(topic).flatMap((l) => l.offsets),
          kept,
        );
      });
    }

    it('a batch filtered to nothing commits without an invocation', async () => {
      const topic = uniqueName('filter-none');
      await createTopic(topic, 1);
      await produce(
        topic,
        values.map((v) => ({ key: null, value: JSON.stringify(v) })),
      );
      const uuid = await createMapping({
        FunctionName: 'recorder',
        Topics: [topic],
        BatchSize: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { status: ['SHIPPED'] } }) }] },
      });
      await waitCommitted(uuid, topic);
      assert.equal(invocations(topic).length, 0);
    });
  });
});
