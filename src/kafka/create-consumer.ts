/**
 * The consumer factory: the native raw-batch addon when its binary loads here, else the
 * `@confluentinc/kafka-javascript` binding, with one log line saying which and why. The binding reads
 * each topic's timestamp type through the addon when the addon loads (./timestamp-type.ts).
 */
import { BindingBatchConsumer, type BindingConsumerOptions } from './binding-consumer.ts';
import type { BatchConsumer } from './consumer.ts';
import { loadNativeAddon, type NativeAddon, NativeBatchConsumer } from './native-consumer.ts';
import { timestampTypeLookup } from './timestamp-type.ts';

export type ConsumerKind = 'native' | 'binding';

export interface CreateConsumerOptions extends BindingConsumerOptions {
  /** Force an adapter; default: native when it loads. */
  prefer?: ConsumerKind | 'auto';
  /** Injected for tests; default loadNativeAddon(). */
  loadAddon?: () => NativeAddon;
}

let cached: { addon?: NativeAddon; reason?: string } | undefined;

function tryLoad(load: () => NativeAddon): { addon?: NativeAddon; reason?: string } {
  try {
    return { addon: load() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

export function createConsumer(options: CreateConsumerOptions): BatchConsumer {
  const prefer = options.prefer ?? 'auto';
  if (!options.loadAddon && !cached) cached = tryLoad(() => loadNativeAddon());
  const loaded = options.loadAddon
    ? tryLoad(options.loadAddon)
    : (cached as { addon?: NativeAddon; reason?: string });
  if (prefer === 'binding') {
    options.logger.info('kafka consumer: binding (@confluentinc/kafka-javascript), as configured');
    return binding(options, loaded.addon);
  }
  if (loaded.addon) {
    options.logger.info('kafka consumer: native raw-batch addon');
    return new NativeBatchConsumer(loaded.addon, options);
  }
  if (prefer === 'native') throw new Error(`the native consumer addon does not load: ${loaded.reason}`);
  options.logger.warn(
    'kafka consumer: binding (@confluentinc/kafka-javascript) because the native addon does not load; records are labelled CREATE_TIME',
    {
      reason: loaded.reason,
    },
  );
  return binding(options, undefined);
}

/** The binding consumer, reading each topic's timestamp type through the addon when it loads. */
function binding(options: CreateConsumerOptions, addon: NativeAddon | undefined): BindingBatchConsumer {
  const timestampTypeOf =
    options.timestampTypeOf ?? timestampTypeLookup(addon, options.config, options.logger);
  return new BindingBatchConsumer(timestampTypeOf ? { ...options, timestampTypeOf } : options);
}
