/**
 * `kafka-lambda-bridge serve | dev` — the command line. `serve` runs from config (KLB_CONFIG file +
 * environment). `dev` gives a newcomer the whole thing in one step: local Kafka and Redis (unless
 * KLB_REDIS_URL / KLB_DEV_BOOTSTRAP_SERVERS point elsewhere), the bridge with its admin API open on
 * loopback, an example function, a mapping from a sample topic to it, and a little traffic.
 */
// Each consumer's poll runs on a libuv pool thread; many mappings must not starve fs and DNS work.
process.env.UV_THREADPOOL_SIZE ??= '64';

import { join } from 'node:path';
import { loadConfig } from './config/load.ts';
import { isBridgeError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { type Bridge, startBridge } from './main.ts';

const USAGE = `usage: kafka-lambda-bridge <command>

  serve    run the bridge from config (KLB_CONFIG JSON file and KLB_* / AWS_* environment variables)
  dev      local Kafka + Redis, the bridge, an example function and mapping, and sample traffic
`;

function onSignals(bridge: Bridge, logger: Logger, extra: () => void = () => undefined): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('draining: stop polling, let in-flight batches settle, commit', { signal });
    extra();
    bridge.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function serveCommand(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('klb', config.log);
  const bridge = await startBridge(config, logger);
  onSignals(bridge, logger);
}

async function devCommand(): Promise<void> {
  const env = process.env;
  const external = Boolean(env.KLB_DEV_BOOTSTRAP_SERVERS);
  if (!external || !env.KLB_REDIS_URL) {
    const services = await import('../tools/services/services.ts');
    await services.up({ kafka: !external, redis: !env.KLB_REDIS_URL });
  }
  const bootstrap = env.KLB_DEV_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
  const topic = env.KLB_DEV_TOPIC ?? 'klb-sample';
  const { ensureTopic, produceSample } = await import('./dev/sample.ts');
  await ensureTopic(bootstrap, topic, 3);
  const config = loadConfig(
    {
      ...env,
      KLB_ADMIN_OPEN: env.KLB_ADMIN_OPEN ?? 'true',
      KLB_LOG_PRETTY: 'true',
      KLB_LOG_LEVEL: env.KLB_LOG_LEVEL ?? 'debug',
    },
    {
      functionsDir: env.KLB_FUNCTIONS_DIR ?? join(import.meta.dirname, '..', 'examples', 'functions'),
      mappings: [
        {
          UUID: '00000000-0000-4000-8000-00000000d3f0',
          FunctionName: 'hello',
          Topics: [topic],
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 100,
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: bootstrap.split(',') } },
        },
      ],
    },
  );
  const logger = createLogger('klb', config.log);
  const bridge = await startBridge(config, logger);
  logger.info(
    `try: aws lambda list-event-source-mappings --endpoint-url ${bridge.url} --region ${config.aws.region}`,
  );
  const traffic = produceSample(bootstrap, topic, logger.child('sample'));
  onSignals(bridge, logger, () => traffic.stop());
}

export async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  if (command === 'serve') return serveCommand();
  if (command === 'dev') return devCommand();
  process.stderr.write(USAGE);
  process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = isBridgeError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`kafka-lambda-bridge: ${message}\n`);
  process.exit(1);
});
