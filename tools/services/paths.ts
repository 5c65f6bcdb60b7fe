/**
 * Where the local test bed lives and which ports it uses. Everything is under one git-ignored cache
 * folder (KLB_CACHE_DIR, default <repo>/.cache) so that `down` plus `rm -rf .cache` resets it all.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = resolve(process.env.KLB_CACHE_DIR ?? join(REPO_ROOT, '.cache'));

export const KAFKA_VERSION = '4.1.1';
export const LOG4J_VERSION = '2.24.3';

const basePort = Number(process.env.KLB_KAFKA_PORT ?? 9092);

export const kafkaPaths = {
  home: join(CACHE_DIR, 'kafka'),
  libs: join(CACHE_DIR, 'kafka', `libs-${KAFKA_VERSION}`),
  data: join(CACHE_DIR, 'kafka', 'data'),
  tls: join(CACHE_DIR, 'kafka', 'tls'),
  properties: join(CACHE_DIR, 'kafka', 'server.properties'),
  log4j: join(CACHE_DIR, 'kafka', 'log4j2.properties'),
  log: join(CACHE_DIR, 'kafka', 'kafka.log'),
  pid: join(CACHE_DIR, 'kafka', 'kafka.pid'),
};

export const redisPaths = {
  home: join(CACHE_DIR, 'redis'),
  log: join(CACHE_DIR, 'redis', 'redis.log'),
  pid: join(CACHE_DIR, 'redis', 'redis.pid'),
};

/** The local broker's listeners and credentials: the facts tests and the dev command rely on. */
export const LOCAL_KAFKA = {
  plaintext: `127.0.0.1:${basePort}`,
  controllerPort: basePort + 1,
  saslPlaintext: `127.0.0.1:${basePort + 2}`,
  ssl: `127.0.0.1:${basePort + 3}`,
  saslSsl: `127.0.0.1:${basePort + 4}`,
  ports: {
    plaintext: basePort,
    controller: basePort + 1,
    saslPlaintext: basePort + 2,
    ssl: basePort + 3,
    saslSsl: basePort + 4,
  },
  /** SCRAM-SHA-256 and SCRAM-SHA-512 users, also accepted over SASL/PLAIN. `admin` is a super user. */
  users: { alice: 'alice-secret', bob: 'bob-secret', admin: 'admin-secret' } as Record<string, string>,
  caPem: join(kafkaPaths.tls, 'ca.pem'),
  /** A CA that signed nothing the broker uses: a client trusting only it must be rejected. */
  otherCaPem: join(kafkaPaths.tls, 'other-ca.pem'),
  clientCertPem: join(kafkaPaths.tls, 'client.pem'),
  clientKeyPem: join(kafkaPaths.tls, 'client.key'),
};

export const LOCAL_REDIS = {
  host: '127.0.0.1',
  port: Number(process.env.KLB_REDIS_PORT ?? 6379),
};
