/**
 * A throwaway PKI for the local broker: a CA, a server certificate for localhost/127.0.0.1, a client
 * certificate (mTLS), and a second, unrelated CA that tests use to prove an untrusted CA is refused.
 * Made once with openssl/keytool; the broker reads PKCS12 stores, clients read PEM.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.ts';
import { runOrThrow } from './run.ts';

export const STORE_PASSWORD = 'klb-store-secret';

async function selfSignedCa(dir: string, name: string): Promise<void> {
  await runOrThrow('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '3650',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.pem`),
    '-subj',
    `/CN=klb ${name}`,
  ]);
}

async function signedLeaf(dir: string, name: string, cn: string): Promise<void> {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await runOrThrow('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.csr`),
    '-subj',
    `/CN=${cn}`,
  ]);
  await runOrThrow('openssl', [
    'x509',
    '-req',
    '-sha256',
    '-days',
    '3650',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    join(dir, 'ca.pem'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-out',
    join(dir, `${name}.pem`),
    '-extfile',
    ext,
  ]);
}

/** Idempotent: does nothing when the stores already exist. */
export async function ensureTls(dir: string): Promise<void> {
  if (existsSync(join(dir, 'truststore.p12')) && existsSync(join(dir, 'other-ca.pem'))) return;
  say('kafka', `generating a test CA and certificates in ${dir}`);
  mkdirSync(dir, { recursive: true });
  await selfSignedCa(dir, 'ca');
  await selfSignedCa(dir, 'other-ca');
  await signedLeaf(dir, 'server', 'localhost');
  await signedLeaf(dir, 'client', 'klb-client');
  await runOrThrow('openssl', [
    'pkcs12',
    '-export',
    '-in',
    join(dir, 'server.pem'),
    '-inkey',
    join(dir, 'server.key'),
    '-certfile',
    join(dir, 'ca.pem'),
    '-name',
    'server',
    '-out',
    join(dir, 'server.p12'),
    '-passout',
    `pass:${STORE_PASSWORD}`,
  ]);
  await runOrThrow('keytool', [
    '-importcert',
    '-noprompt',
    '-storetype',
    'PKCS12',
    '-keystore',
    join(dir, 'truststore.p12'),
    '-storepass',
    STORE_PASSWORD,
    '-alias',
    'ca',
    '-file',
    join(dir, 'ca.pem'),
  ]);
}
