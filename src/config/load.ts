/**
 * Loads the configuration: a JSON file (KLB_CONFIG), overlaid with environment variables, validated
 * once. Every problem is reported together, each naming its key.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import { type Config, configSchema } from './schema.ts';

type Env = Record<string, string | undefined>;

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

const bool = (v: string) => ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

/** Environment variable → config path and parser. */
const ENV_KEYS: Array<[string, string[], (v: string) => unknown]> = [
  ['KLB_REDIS_URL', ['redisUrl'], String],
  ['KLB_REDIS_PREFIX', ['redisPrefix'], String],
  ['KLB_INSTANCE_ID', ['instanceId'], String],
  ['KLB_ADMIN_HOST', ['admin', 'host'], String],
  ['KLB_ADMIN_PORT', ['admin', 'port'], Number],
  ['KLB_ADMIN_TOKEN', ['admin', 'token'], String],
  ['KLB_ADMIN_OPEN', ['admin', 'open'], bool],
  ['KLB_ADMIN_RATE_LIMIT', ['admin', 'rateLimit', 'perSecond'], Number],
  ['KLB_ADMIN_RATE_BURST', ['admin', 'rateLimit', 'burst'], Number],
  [
    'KLB_ADMIN_CREDENTIALS',
    ['admin', 'credentials'],
    (v) => Object.fromEntries(v.split(',').map((pair) => pair.split(':', 2).map((s) => s.trim()))),
  ],
  ['AWS_REGION', ['aws', 'region'], String],
  ['KLB_ACCOUNT_ID', ['aws', 'accountId'], String],
  ['KLB_FUNCTIONS_DIR', ['functionsDir'], String],
  ['KLB_LOCAL_CONCURRENCY', ['localConcurrency'], Number],
  ['KLB_CONSUMER', ['consumer'], String],
  ['KLB_PREFETCH_KIB', ['prefetchKiB'], Number],
  [
    'KLB_DESTINATION_HOSTS',
    ['destinationHosts'],
    (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  ],
  ['KLB_MAX_PAYLOAD_BYTES', ['maxPayloadBytes'], Number],
  ['KLB_RETRY_BASE_DELAY_MS', ['retry', 'baseDelayMs'], Number],
  ['KLB_RETRY_MAX_DELAY_MS', ['retry', 'maxDelayMs'], Number],
  ['KLB_SHUTDOWN_TIMEOUT_MS', ['shutdownTimeoutMs'], Number],
  ['KLB_FAILED_BATCHES_MAX_AGE_HOURS', ['failedBatches', 'maxAgeHours'], Number],
  ['KLB_FAILED_BATCHES_MAX_PER_MAPPING', ['failedBatches', 'maxPerMapping'], Number],
  ['KLB_LOG_LEVEL', ['log', 'level'], String],
  ['KLB_LOG_PRETTY', ['log', 'pretty'], bool],
];

export function loadConfig(env: Env, overrides: Record<string, unknown> = {}): Readonly<Config> {
  let raw: Record<string, unknown> = {};
  const file = env.KLB_CONFIG;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`KLB_CONFIG: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  for (const [name, path, parse] of ENV_KEYS) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, parse(value));
  }
  for (const [key, value] of Object.entries(overrides)) raw[key] = value;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
