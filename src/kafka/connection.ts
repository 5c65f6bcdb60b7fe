/**
 * A mapping's connection: its bootstrap servers and auth references (SourceAccessConfigurations) →
 * the KafkaConnection the consumer adapters take. Secret references are resolved here, from the
 * bridge's secret registry (config `secrets`, keyed by URI) or a `file:` URI; values never travel
 * further than the librdkafka properties.
 *
 * Protocol: SASL when a SCRAM/BASIC secret is named, TLS when a CA or client certificate is; otherwise
 * the cluster entry's protocol (config `clusters`, keyed by MSK ARN or by the first bootstrap server).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClusterConfig, SecretConfig } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import type { Mapping } from '../mapping/types.ts';
import type { KafkaConnection, SecurityProtocol } from './client-config.ts';

export interface SecretSource {
  secrets: Record<string, SecretConfig>;
  clusters: Record<string, ClusterConfig>;
}

function readSecret(uri: string, source: SecretSource, kind: 'credentials' | 'pem'): SecretConfig {
  const known = source.secrets[uri];
  if (known) return known;
  if (uri.startsWith('file:')) {
    let text: string;
    try {
      text = readFileSync(fileURLToPath(uri), 'utf8');
    } catch (error) {
      throw new ConfigError(`secret ${uri} cannot be read`, { cause: error });
    }
    if (kind === 'pem') return { certificate: text };
    try {
      return JSON.parse(text) as SecretConfig;
    } catch (error) {
      throw new ConfigError(`secret ${uri} is not JSON with username and password`, { cause: error });
    }
  }
  throw new ConfigError(`secret ${uri} is not in the bridge's secret registry`);
}

export function connectionFor(mapping: Mapping, source: SecretSource): KafkaConnection {
  const cluster =
    (mapping.eventSourceArn ? source.clusters[mapping.eventSourceArn] : undefined) ??
    source.clusters[mapping.bootstrapServers[0] ?? ''];
  let sasl: KafkaConnection['sasl'];
  const tls: NonNullable<KafkaConnection['tls']> = {};
  let wantsTls = false;
  for (const access of mapping.connectionAuth) {
    switch (access.type) {
      case 'SASL_SCRAM_256_AUTH':
      case 'SASL_SCRAM_512_AUTH':
      case 'BASIC_AUTH': {
        const s = readSecret(access.uri, source, 'credentials');
        const mechanism =
          access.type === 'BASIC_AUTH'
            ? 'PLAIN'
            : access.type === 'SASL_SCRAM_256_AUTH'
              ? 'SCRAM-SHA-256'
              : 'SCRAM-SHA-512';
        sasl = {
          mechanism,
          ...(s.username ? { username: s.username } : {}),
          ...(s.password ? { password: s.password } : {}),
        };
        break;
      }
      case 'SERVER_ROOT_CA_CERTIFICATE': {
        const s = readSecret(access.uri, source, 'pem');
        if (s.certificate) tls.caPem = s.certificate;
        wantsTls = true;
        break;
      }
      case 'CLIENT_CERTIFICATE_TLS_AUTH': {
        const s = readSecret(access.uri, source, 'credentials');
        if (s.certificate) tls.certPem = s.certificate;
        if (s.privateKey) tls.keyPem = s.privateKey;
        if (s.privateKeyPassword) tls.keyPassword = s.privateKeyPassword;
        wantsTls = true;
        break;
      }
      default:
        break; // VPC settings have no meaning here
    }
  }
  const clusterTls = cluster?.protocol === 'SSL' || cluster?.protocol === 'SASL_SSL';
  const useTls = wantsTls || clusterTls;
  const protocol: SecurityProtocol = sasl
    ? useTls
      ? 'SASL_SSL'
      : 'SASL_PLAINTEXT'
    : useTls
      ? 'SSL'
      : 'PLAINTEXT';
  return {
    bootstrapServers: [...mapping.bootstrapServers],
    protocol,
    ...(sasl ? { sasl } : {}),
    ...(useTls ? { tls } : {}),
  };
}
