/**
 * A mapping's Kafka connection → librdkafka properties (both adapters take the same map).
 * Pure: PEM material is passed inline (`ssl.*.pem`), never written to disk here.
 * @throws ConfigError (CONFIG_INVALID) for contradictory or incomplete settings.
 */
import { ConfigError } from '../errors.ts';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;

export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaConnection {
  bootstrapServers: string[];
  protocol: SecurityProtocol;
  sasl?: { mechanism: SaslMechanism; username?: string; password?: string };
  tls?: { caPem?: string; certPem?: string; keyPem?: string; keyPassword?: string };
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function checkServers(servers: string[]): string {
  if (servers.length === 0) throw new ConfigError('bootstrapServers must name at least one host:port');
  for (const server of servers) {
    const match = HOST_PORT.exec(server);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError(`bootstrap server "${server}" is not host:port`, { context: { server } });
    }
  }
  return servers.join(',');
}

function saslProperties(connection: KafkaConnection): Record<string, string> {
  const { sasl, protocol } = connection;
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  if (!usesSasl) {
    if (sasl)
      throw new ConfigError(`sasl settings need protocol SASL_PLAINTEXT or SASL_SSL, not ${protocol}`);
    return {};
  }
  if (!sasl) throw new ConfigError(`protocol ${protocol} needs sasl settings`);
  if (!(SASL_MECHANISMS as readonly string[]).includes(sasl.mechanism)) {
    throw new ConfigError(`unknown SASL mechanism "${sasl.mechanism}"`);
  }
  if (sasl.mechanism === 'OAUTHBEARER') {
    // The token comes from the adapter's token provider (librdkafka's refresh callback).
    return { 'sasl.mechanisms': 'OAUTHBEARER' };
  }
  if (!sasl.username || sasl.password === undefined || sasl.password === '') {
    throw new ConfigError(`SASL ${sasl.mechanism} needs a username and a password`);
  }
  return {
    'sasl.mechanisms': sasl.mechanism,
    'sasl.username': sasl.username,
    'sasl.password': sasl.password,
  };
}

function tlsProperties(connection: KafkaConnection): Record<string, string> {
  const { tls, protocol } = connection;
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  if (!usesTls) {
    if (tls) throw new ConfigError(`tls settings need protocol SSL or SASL_SSL, not ${protocol}`);
    return {};
  }
  const out: Record<string, string> = {};
  if (!tls) return out; // the system CA store verifies the brokers
  if (tls.caPem) out['ssl.ca.pem'] = tls.caPem;
  if (Boolean(tls.certPem) !== Boolean(tls.keyPem)) {
    throw new ConfigError('a client certificate needs both certPem and keyPem');
  }
  if (tls.certPem && tls.keyPem) {
    out['ssl.certificate.pem'] = tls.certPem;
    out['ssl.key.pem'] = tls.keyPem;
  }
  if (tls.keyPassword !== undefined) {
    if (!tls.keyPem) throw new ConfigError('keyPassword given without keyPem');
    out['ssl.key.password'] = tls.keyPassword;
  }
  return out;
}

export function clientConfig(connection: KafkaConnection): Record<string, string> {
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(connection.protocol)) {
    throw new ConfigError(`unknown security protocol "${connection.protocol}"`);
  }
  return {
    'bootstrap.servers': checkServers(connection.bootstrapServers),
    'security.protocol': connection.protocol.toLowerCase(),
    ...saslProperties(connection),
    ...tlsProperties(connection),
  };
}

/** The properties that must never reach a log line. */
export const SECRET_PROPERTIES: readonly string[] = ['sasl.password', 'ssl.key.pem', 'ssl.key.password'];

export function redactConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = SECRET_PROPERTIES.includes(k) ? '[redacted]' : v;
  return out;
}
