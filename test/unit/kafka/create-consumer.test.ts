import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumerListener } from '../../../src/kafka/consumer.ts';
import { createConsumer } from '../../../src/kafka/create-consumer.ts';
import type { NativeAddon, NativeEvent } from '../../../src/kafka/native-consumer.ts';
import type { Logger } from '../../../src/log.ts';

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

const listener: ConsumerListener = { onRebalance: () => undefined, onError: () => undefined };

/** A stand-in addon that records what the adapter passes and lets the test push events. */
function fakeAddon(seen: { config?: Record<string, string>; emit?: (e: NativeEvent) => void }): NativeAddon {
  class NativeConsumer {
    constructor(config: Record<string, string>, onEvent: (e: NativeEvent) => void) {
      seen.config = config;
      seen.emit = onEvent;
    }
  }
  return { NativeConsumer } as unknown as NativeAddon;
}

describe('createConsumer', () => {
  it('uses the native addon when it loads, and says so', () => {
    const lines: string[] = [];
    const seen: { config?: Record<string, string> } = {};
    const consumer = createConsumer({
      config: { 'group.id': 'g' },
      listener,
      logger: recordingLogger(lines),
      loadAddon: () => fakeAddon(seen),
    });
    assert.equal(consumer.kind, 'native');
    assert.deepEqual(seen.config, { 'group.id': 'g' });
    assert.deepEqual(lines, ['info kafka consumer: native raw-batch addon']);
  });

  it('prefer: native fails loudly when the addon does not load', () => {
    assert.throws(
      () =>
        createConsumer({
          config: { 'group.id': 'g' },
          listener,
          logger: recordingLogger([]),
          prefer: 'native',
          loadAddon: () => {
            throw new Error('missing.node does not exist');
          },
        }),
      /does not load: missing.node does not exist/,
    );
  });

  it('routes addon events: errors to the listener as BridgeErrors, logs to the logger', () => {
    const errors: Error[] = [];
    const lines: string[] = [];
    const seen: { emit?: (e: NativeEvent) => void } = {};
    createConsumer({
      config: { 'group.id': 'g' },
      listener: { onRebalance: () => undefined, onError: (e) => errors.push(e) },
      logger: recordingLogger(lines),
      loadAddon: () => fakeAddon(seen),
    });
    seen.emit?.({ kind: 'error', message: 'SASL authentication error', code: -169 });
    seen.emit?.({ kind: 'log', message: 'hello', level: 4, facility: 'FAC' });
    assert.equal((errors[0] as { code?: string }).code, 'KAFKA_AUTH_FAILED');
    assert.match(lines[1] ?? '', /^warn hello/);
  });
});
