/**
 * AWS Signature Version 4 verification (header form, `AWS4-HMAC-SHA256`), for requests the AWS CLI
 * and SDKs sign with a configured access key. Pure apart from node:crypto.
 *
 * Steps (AWS "Create a signed AWS API request"): parse the Authorization header; check the scope
 * (service `lambda`, terminator `aws4_request`, date = x-amz-date's date) and the clock (±15 min);
 * rebuild the canonical request from the raw path (segments normalized, then URI-encoded again: the
 * double encoding every non-S3 service uses), the sorted re-encoded query, the signed headers (trimmed,
 * inner whitespace collapsed) and the SHA-256 of the body actually received; then the string to sign,
 * the HMAC chain AWS4+secret → date → region → service → aws4_request, and a constant-time compare.
 * `x-amz-content-sha256`, if sent, must equal the body's hash (UNSIGNED-PAYLOAD is refused).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV4Request {
  readonly method: string;
  /** Path as received, still percent-encoded. */
  readonly rawPath: string;
  /** Query string as received, without `?`. */
  readonly rawQuery: string;
  /** Header lookup by lower-case name. */
  readonly header: (name: string) => string | undefined;
  readonly body: Uint8Array;
}

export interface SigV4Options {
  /** Secret access key of an access key id, or undefined when unknown. */
  readonly secretFor: (accessKeyId: string) => string | undefined;
  /** Epoch ms. */
  readonly now: number;
  /** Allowed clock skew; AWS uses 15 minutes. */
  readonly maxSkewMs?: number;
  readonly service?: string;
}

export type SigV4Failure =
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export type SigV4Result =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly type: SigV4Failure; readonly message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

function fail(type: SigV4Failure, message: string): SigV4Result {
  return { ok: false, type, message };
}

/** RFC 3986 encoding as AWS uses it (encodeURIComponent plus !'()*). */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return escapeUri(`/${segments.join('/')}${trailing}`).replace(/%2F/g, '/');
}

/** undefined when the query holds malformed percent-encoding. */
export function canonicalQuery(rawQuery: string): string | undefined {
  const pairs: string[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    try {
      const key = decodeURIComponent(rawKey);
      if (key.toLowerCase() === 'x-amz-signature') continue;
      pairs.push(`${escapeUri(key)}=${escapeUri(decodeURIComponent(rawValue))}`);
    } catch {
      return undefined;
    }
  }
  return pairs.sort().join('&');
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  scope: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  if (!value.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const item of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential?.length !== 5 || signedHeaders === undefined || signature === undefined) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (terminator !== 'aws4_request' || !/^[0-9a-f]{64}$/.test(signature) || accessKeyId === '')
    return undefined;
  const headers = signedHeaders.split(';');
  if (headers.some((h) => h === '' || h !== h.toLowerCase())) return undefined;
  return {
    accessKeyId,
    date,
    region,
    service,
    scope: `${date}/${region}/${service}/aws4_request`,
    signedHeaders: headers,
    signature,
  };
}

function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function verifySigV4(req: SigV4Request, options: SigV4Options): SigV4Result {
  const auth = parseAuthorization(req.header('authorization') ?? '');
  if (auth === undefined) {
    return fail(
      'IncompleteSignatureException',
      'Authorization header is not a valid AWS4-HMAC-SHA256 header.',
    );
  }
  if (auth.service !== (options.service ?? 'lambda')) {
    return fail('InvalidSignatureException', `Credential should be scoped to correct service: 'lambda'.`);
  }
  if (!auth.signedHeaders.includes('host')) {
    return fail('InvalidSignatureException', `'Host' must be a signed header.`);
  }
  const amzDate = req.header('x-amz-date');
  const time = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || time === undefined || !auth.signedHeaders.includes('x-amz-date')) {
    return fail(
      'IncompleteSignatureException',
      'A signed X-Amz-Date header in ISO 8601 basic format is required.',
    );
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return fail(
      'InvalidSignatureException',
      'Credential should be scoped to a valid date matching X-Amz-Date.',
    );
  }
  const skew = options.maxSkewMs ?? 15 * 60_000;
  if (Math.abs(options.now - time) > skew) {
    return fail(
      'InvalidSignatureException',
      `Signature expired or not yet current: ${amzDate} is outside the allowed clock skew.`,
    );
  }
  const secret = options.secretFor(auth.accessKeyId);
  if (secret === undefined) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const payloadHash = sha256Hex(req.body);
  const declared = req.header('x-amz-content-sha256');
  if (declared !== undefined && declared !== payloadHash) {
    return fail(
      'InvalidSignatureException',
      'The provided x-amz-content-sha256 header does not match the body.',
    );
  }
  const query = canonicalQuery(req.rawQuery);
  if (query === undefined) return fail('InvalidSignatureException', 'Malformed query string.');
  const headerLines: string[] = [];
  for (const name of auth.signedHeaders) {
    const value = req.header(name);
    if (value === undefined) return fail('InvalidSignatureException', `Signed header '${name}' is missing.`);
    headerLines.push(
      `${name}:${value
        .replace(/[\r\n]/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .trim()}`,
    );
  }
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.rawPath),
    query,
    `${headerLines.join('\n')}\n`,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, auth.scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(stringToSign, 'utf8')
    .digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true, accessKeyId: auth.accessKeyId };
}
