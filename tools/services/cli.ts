/**
 * `node tools/services/cli.ts up|down|status` — the local test bed: a real Kafka broker and a real
 * Redis on loopback. Idempotent and quick when everything is already up.
 */
import { kafkaDown, kafkaStatus, kafkaUp } from './kafka.ts';
import { LOCAL_KAFKA, LOCAL_REDIS } from './paths.ts';
import { redisDown, redisStatus, redisUp } from './redis.ts';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up':
      await Promise.all([redisUp(), kafkaUp()]);
      return 0;
    case 'down':
      await Promise.all([kafkaDown(), redisDown()]);
      return 0;
    case 'status': {
      const [kafka, redis] = await Promise.all([kafkaStatus(), redisStatus()]);
      process.stdout.write(
        `kafka  ${kafka.running ? 'up  ' : 'down'} ${LOCAL_KAFKA.plaintext}${kafka.pid ? ` pid ${kafka.pid}` : ''}${kafka.brokers ? ` brokers ${kafka.brokers}` : ''}\n` +
          `redis  ${redis.running ? 'up  ' : 'down'} ${LOCAL_REDIS.host}:${LOCAL_REDIS.port}${redis.pid ? ` pid ${redis.pid}` : ''}\n`,
      );
      return kafka.running && redis.running ? 0 : 3;
    }
    default:
      process.stderr.write('usage: node tools/services/cli.ts up|down|status\n');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[services] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
