import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailureHandOff } from '../../../src/dispatch/failure-sink.ts';
import { BridgeError } from '../../../src/errors.ts';
import { FailureHandler } from '../../../src/failure/handler.ts';
import type { DestinationState, FailedBatchInput } from '../../../src/failure/types.ts';
import { mapping, orders, recordingLogger } from './fixtures.ts';

function setup(behaviour: { put?: 'fail'; send?: 'fail' | 'hang' | DestinationState } = {}) {
  const calls: string[] = [];
  const puts: FailedBatchInput[] = [];
  const marks: { id: string; state: DestinationState; error: string | undefined }[] = [];
  let release: (s: DestinationState) => void = () => undefined;
  const logger = recordingLogger();
  const handler = new FailureHandler({
    logger,
    destinationTimeoutMs: 50,
    store: {
      async put(input) {
        calls.push('put');
        if (behaviour.put === 'fail') throw new BridgeError('REDIS_FAILED', 'connection refused');
        puts.push(input);
        return '0-1-2';
      },
      async markDestination(_m, id, state, error) {
        calls.push(`mark:${state}`);
        marks.push({ id, state, error });
      },
    },
    destinations: {
      send: async () => {
        calls.push('send');
        if (behaviour.send === 'fail') throw new Error('broker down');
        if (behaviour.send === 'hang') return new Promise<DestinationState>((r) => (release = r));
        return behaviour.send ?? 'delivered';
      },
    },
  });
  return { handler, calls, puts, marks, logger, release: (s: DestinationState) => release(s) };
}

const handOff = (onFailureDestination?: string): FailureHandOff => ({
  mapping: mapping(onFailureDestination === undefined ? {} : { onFailureDestination }),
  packed: orders([1, 2]),
  condition: 'RetryAttemptsExhausted',
  error: 'Unhandled: boom',
  attempts: [{ atMs: 1, error: 'boom' }],
  approximateInvokeCount: 3,
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
});

describe('FailureHandler.handOff', () => {
  it('stores the batch first, then sends it to the destination and records the outcome', async () => {
    const t = setup();
    const result = await t.handler.handOff(handOff('kafka://dlq'));
    assert.deepEqual(result, { storedId: '0-1-2', destination: 'delivered' });
    assert.deepEqual(t.calls, ['put', 'send', 'mark:delivered']);
    assert.equal(t.puts[0]?.mappingId, mapping().uuid);
    assert.equal(t.puts[0]?.functionArn, mapping().functionArn);
    assert.deepEqual(t.puts[0]?.responseContext, { statusCode: 200, functionError: 'Unhandled' });
    assert.equal(t.handler.stats().destinationDelivered, 1);
  });

  it('throws when the store fails, and never reaches the destination', async () => {
    const t = setup({ put: 'fail' });
    await assert.rejects(t.handler.handOff(handOff('kafka://dlq')), { code: 'REDIS_FAILED' });
    assert.deepEqual(t.calls, ['put']);
  });

  it('does not throw on a destination failure: logs, counts and marks the batch', async () => {
    const t = setup({ send: 'fail' });
    const result = await t.handler.handOff(handOff('kafka://dlq'));
    assert.deepEqual(result, { storedId: '0-1-2', destination: 'failed' });
    assert.deepEqual(t.marks, [{ id: '0-1-2', state: 'failed', error: 'broker down' }]);
    assert.equal(t.handler.stats().destinationFailed, 1);
    assert.equal(t.logger.lines.filter((l) => l.level === 'error').length, 1);
  });

  it('stops waiting for a slow destination, then re-marks when it lands', async () => {
    const t = setup({ send: 'hang' });
    const result = await t.handler.handOff(handOff('kafka://dlq'));
    assert.equal(result.destination, 'failed');
    t.release('delivered');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      t.marks.map((m) => m.state),
      ['failed', 'delivered'],
    );
  });

  it('skips the destination when the mapping has none', async () => {
    const t = setup();
    assert.deepEqual(await t.handler.handOff(handOff()), { storedId: '0-1-2', destination: 'none' });
    assert.deepEqual(t.calls, ['put']);
  });

  it('records unreachable destinations without failing', async () => {
    const t = setup({ send: 'unreachable' });
    const result = await t.handler.handOff(handOff('arn:aws:sqs:eu-west-1:111122223333:q'));
    assert.equal(result.destination, 'unreachable');
    assert.equal(t.handler.stats().destinationUnreachable, 1);
  });
});
