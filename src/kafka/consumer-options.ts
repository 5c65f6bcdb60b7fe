/** What both consumer adapters are built from (dependencies passed in, nothing read from env). */
import type { Logger } from '../log.ts';
import type { ConsumerListener } from './consumer.ts';

/** A fresh OAUTHBEARER token; `expiresAtMs` is epoch milliseconds. */
export interface OAuthToken {
  token: string;
  expiresAtMs: number;
  principal: string;
}

/** Called by librdkafka's refresh with the `sasl.oauthbearer.config` string (may be empty). */
export type OAuthTokenProvider = (oauthbearerConfig: string) => Promise<OAuthToken>;

export interface ConsumerOptions {
  /** librdkafka properties: clientConfig() output plus `group.id` and any tuning. */
  config: Record<string, string>;
  listener: ConsumerListener;
  logger: Logger;
  /** How long connect() waits for a broker's metadata answer (default 10 s). */
  connectTimeoutMs?: number;
  oauthTokenProvider?: OAuthTokenProvider;
  /** librdkafka statistics JSON, when `statistics.interval.ms` is set. */
  onStats?: (json: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** syslog level → logger method, for librdkafka log lines. */
export function logLevelOf(level: number): 'error' | 'warn' | 'info' | 'debug' {
  if (level <= 3) return 'error';
  if (level === 4) return 'warn';
  if (level <= 6) return 'info';
  return 'debug';
}
