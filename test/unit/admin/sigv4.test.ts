import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  canonicalPath,
  canonicalQuery,
  parseAuthorization,
  type SigV4Request,
  sha256Hex,
  signingKey,
  verifySigV4,
} from '../../../src/admin/sigv4.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = Date.UTC(2015, 7, 30, 12, 36, 0);

function request(
  path: string,
  query: string,
  auth: string,
  extra: Record<string, string> = {},
): SigV4Request {
  const headers: Record<string, string> = {
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization: auth,
    ...extra,
  };
  return { method: 'GET', rawPath: path, rawQuery: query, header: (n) => headers[n], body: new Uint8Array() };
}

const opts = {
  secretFor: (id: string) => (id === 'AKIDEXAMPLE' ? SECRET : undefined),
  now: NOW,
  service: 'service',
};
const auth = (sig: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`;

describe('SigV4 known answers (AWS SigV4 test suite)', () => {
  it('get-vanilla', () => {
    const r = verifySigV4(
      request('/', '', auth('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')),
      opts,
    );
    assert.deepEqual(r, { ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });
  it('get-vanilla-query-order-key-case', () => {
    const sig = 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500';
    assert.equal(verifySigV4(request('/', 'Param2=value2&Param1=value1', auth(sig)), opts).ok, true);
  });
  it('signing key derivation (AWS documentation example)', () => {
    const key = signingKey(SECRET, '20150830', 'us-east-1', 'iam');
    assert.equal(key.toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });
});

describe('canonicalization', () => {
  it('normalizes and double-encodes the path', () => {
    assert.equal(canonicalPath('/'), '/');
    assert.equal(canonicalPath(''), '/');
    assert.equal(canonicalPath('/a/./b/../c//d/'), '/a/c/d/');
    assert.equal(
      canonicalPath('/2017-03-31/tags/arn%3Aaws%3Alambda'),
      '/2017-03-31/tags/arn%253Aaws%253Alambda',
    );
    assert.equal(canonicalPath("/x/it's(1)*!"), '/x/it%27s%281%29%2A%21');
  });
  it('sorts and re-encodes the query', () => {
    assert.equal(canonicalQuery('b=2&a=1&a=0'), 'a=0&a=1&b=2');
    assert.equal(canonicalQuery('k=a%20b&flag'), 'flag=&k=a%20b');
    assert.equal(canonicalQuery('x=a+b'), 'x=a%2Bb');
    assert.equal(canonicalQuery('X-Amz-Signature=abc&a=1'), 'a=1');
    assert.equal(canonicalQuery('bad=%E0%A4%A'), undefined);
  });
  it('parses the Authorization header', () => {
    const p = parseAuthorization(auth('a'.repeat(64)));
    assert.equal(p?.accessKeyId, 'AKIDEXAMPLE');
    assert.equal(p?.scope, '20150830/us-east-1/service/aws4_request');
    assert.deepEqual(p?.signedHeaders, ['host', 'x-amz-date']);
    assert.equal(parseAuthorization('AWS4-HMAC-SHA256 Credential=a/b/c, Signature=x'), undefined);
    assert.equal(
      parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=A/1/r/s/aws4_request, SignedHeaders=Host, Signature=${'a'.repeat(64)}`,
      ),
      undefined,
    );
    assert.equal(parseAuthorization('Basic abc'), undefined);
  });
});

describe('verification failures', () => {
  const good = auth('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  const failType = (r: ReturnType<typeof verifySigV4>) => (r.ok ? 'ok' : r.type);

  it('wrong secret → InvalidSignatureException', () => {
    assert.equal(
      failType(verifySigV4(request('/', '', good), { ...opts, secretFor: () => 'wrong' })),
      'InvalidSignatureException',
    );
  });
  it('unknown key → UnrecognizedClientException', () => {
    assert.equal(
      failType(verifySigV4(request('/', '', good), { ...opts, secretFor: () => undefined })),
      'UnrecognizedClientException',
    );
  });
  it('clock skew beyond 15 minutes → InvalidSignatureException; within → ok', () => {
    assert.equal(
      failType(verifySigV4(request('/', '', good), { ...opts, now: NOW + 15 * 60_000 + 1 })),
      'InvalidSignatureException',
    );
    assert.equal(
      failType(verifySigV4(request('/', '', good), { ...opts, now: NOW - 15 * 60_000 - 1 })),
      'InvalidSignatureException',
    );
    assert.equal(failType(verifySigV4(request('/', '', good), { ...opts, now: NOW + 14 * 60_000 })), 'ok');
  });
  it('tampered path, query, header or body → InvalidSignatureException', () => {
    assert.equal(failType(verifySigV4(request('/x', '', good), opts)), 'InvalidSignatureException');
    assert.equal(failType(verifySigV4(request('/', 'a=1', good), opts)), 'InvalidSignatureException');
    assert.equal(
      failType(verifySigV4(request('/', '', good, { host: 'evil.example' }), opts)),
      'InvalidSignatureException',
    );
    const withBody = { ...request('/', '', good), body: new TextEncoder().encode('{}') };
    assert.equal(failType(verifySigV4(withBody, opts)), 'InvalidSignatureException');
  });
  it('a declared payload hash must match the body', () => {
    const r = request('/', '', good, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    assert.equal(failType(verifySigV4(r, opts)), 'InvalidSignatureException');
  });
  it('wrong service scope, missing date, date/scope mismatch', () => {
    assert.equal(
      failType(verifySigV4(request('/', '', good), { ...opts, service: 'lambda' })),
      'InvalidSignatureException',
    );
    const noDate: SigV4Request = {
      ...request('/', '', good),
      header: (n) => (n === 'x-amz-date' ? undefined : request('/', '', good).header(n)),
    };
    assert.equal(failType(verifySigV4(noDate, opts)), 'IncompleteSignatureException');
    assert.equal(
      failType(
        verifySigV4(request('/', '', good, { 'x-amz-date': '20150831T123600Z' }), {
          ...opts,
          now: NOW + 86_400_000,
        }),
      ),
      'InvalidSignatureException',
    );
    assert.equal(
      failType(verifySigV4(request('/', '', 'AWS4-HMAC-SHA256 garbage'), opts)),
      'IncompleteSignatureException',
    );
  });
  it('host must be signed', () => {
    const scope = '20150830/us-east-1/service/aws4_request';
    const canonical = ['GET', '/', '', 'x-amz-date:20150830T123600Z\n', 'x-amz-date', sha256Hex('')].join(
      '\n',
    );
    const sts = ['AWS4-HMAC-SHA256', '20150830T123600Z', scope, sha256Hex(canonical)].join('\n');
    const sig = createHmac('sha256', signingKey(SECRET, '20150830', 'us-east-1', 'service'))
      .update(sts)
      .digest('hex');
    const header = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=x-amz-date, Signature=${sig}`;
    assert.equal(failType(verifySigV4(request('/', '', header), opts)), 'InvalidSignatureException');
  });
});
