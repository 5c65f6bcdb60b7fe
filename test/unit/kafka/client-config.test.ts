import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientConfig, type KafkaConnection, redactConfig } from '../../../src/kafka/client-config.ts';

const base = { bootstrapServers: ['b1:9092', 'b2:9093'] };

describe('clientConfig maps a connection to librdkafka properties', () => {
  const cases: Array<[string, KafkaConnection, Record<string, string>]> = [
    [
      'PLAINTEXT',
      { ...base, protocol: 'PLAINTEXT' },
      { 'bootstrap.servers': 'b1:9092,b2:9093', 'security.protocol': 'plaintext' },
    ],
    [
      'SASL_PLAINTEXT with SCRAM-SHA-512',
      {
        ...base,
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 's' },
      },
      {
        'bootstrap.servers': 'b1:9092,b2:9093',
        'security.protocol': 'sasl_plaintext',
        'sasl.mechanisms': 'SCRAM-SHA-512',
        'sasl.username': 'alice',
        'sasl.password': 's',
      },
    ],
    [
      'SSL with a CA and a client certificate',
      { ...base, protocol: 'SSL', tls: { caPem: 'CA', certPem: 'CERT', keyPem: 'KEY', keyPassword: 'pw' } },
      {
        'bootstrap.servers': 'b1:9092,b2:9093',
        'security.protocol': 'ssl',
        'ssl.ca.pem': 'CA',
        'ssl.certificate.pem': 'CERT',
        'ssl.key.pem': 'KEY',
        'ssl.key.password': 'pw',
      },
    ],
    [
      'SSL with the system CA store',
      { ...base, protocol: 'SSL' },
      { 'bootstrap.servers': 'b1:9092,b2:9093', 'security.protocol': 'ssl' },
    ],
    [
      'SASL_SSL with PLAIN',
      {
        ...base,
        protocol: 'SASL_SSL',
        sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' },
        tls: { caPem: 'CA' },
      },
      {
        'bootstrap.servers': 'b1:9092,b2:9093',
        'security.protocol': 'sasl_ssl',
        'sasl.mechanisms': 'PLAIN',
        'sasl.username': 'u',
        'sasl.password': 'p',
        'ssl.ca.pem': 'CA',
      },
    ],
    [
      'SASL_SSL with OAUTHBEARER (token from the provider)',
      { ...base, protocol: 'SASL_SSL', sasl: { mechanism: 'OAUTHBEARER' } },
      {
        'bootstrap.servers': 'b1:9092,b2:9093',
        'security.protocol': 'sasl_ssl',
        'sasl.mechanisms': 'OAUTHBEARER',
      },
    ],
    [
      'an IPv6 bootstrap server',
      { bootstrapServers: ['[::1]:9092'], protocol: 'PLAINTEXT' },
      { 'bootstrap.servers': '[::1]:9092', 'security.protocol': 'plaintext' },
    ],
  ];
  for (const [name, connection, expected] of cases) {
    it(name, () => assert.deepEqual(clientConfig(connection), expected));
  }
});

describe('clientConfig rejects contradictory or incomplete settings', () => {
  const bad: Array<[string, KafkaConnection, RegExp]> = [
    ['no bootstrap server', { bootstrapServers: [], protocol: 'PLAINTEXT' }, /at least one/],
    ['a server without a port', { bootstrapServers: ['b1'], protocol: 'PLAINTEXT' }, /not host:port/],
    ['port out of range', { bootstrapServers: ['b1:70000'], protocol: 'PLAINTEXT' }, /not host:port/],
    ['SASL protocol without sasl', { ...base, protocol: 'SASL_SSL' }, /needs sasl/],
    [
      'sasl on PLAINTEXT',
      { ...base, protocol: 'PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } },
      /need protocol SASL/,
    ],
    [
      'SCRAM without a password',
      { ...base, protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', username: 'u' } },
      /username and a password/,
    ],
    [
      'tls on SASL_PLAINTEXT',
      {
        ...base,
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' },
        tls: { caPem: 'x' },
      },
      /need protocol SSL/,
    ],
    [
      'a certificate without its key',
      { ...base, protocol: 'SSL', tls: { certPem: 'C' } },
      /both certPem and keyPem/,
    ],
    [
      'a key password without a key',
      { ...base, protocol: 'SSL', tls: { keyPassword: 'x' } },
      /without keyPem/,
    ],
    ['an unknown protocol', { ...base, protocol: 'TLS' as 'SSL' }, /unknown security protocol/],
    [
      'an unknown mechanism',
      {
        ...base,
        protocol: 'SASL_SSL',
        sasl: { mechanism: 'GSSAPI' as 'PLAIN', username: 'u', password: 'p' },
      },
      /unknown SASL mechanism/,
    ],
  ];
  for (const [name, connection, message] of bad) {
    it(name, () => assert.throws(() => clientConfig(connection), { code: 'CONFIG_INVALID', message }));
  }
});

describe('redactConfig', () => {
  it('hides passwords and private keys, keeps the rest', () => {
    const out = redactConfig({
      'sasl.password': 'p',
      'ssl.key.pem': 'k',
      'ssl.key.password': 'x',
      'sasl.username': 'u',
    });
    assert.deepEqual(out, {
      'sasl.password': '[redacted]',
      'ssl.key.pem': '[redacted]',
      'ssl.key.password': '[redacted]',
      'sasl.username': 'u',
    });
  });
});
