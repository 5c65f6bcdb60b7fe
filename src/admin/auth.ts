/**
 * Admin authentication (reliability.md §4.1): a bearer token, or an AWS SigV4 signature made with a
 * configured access key (what the AWS CLI and SDKs send). Registered with `app.use('*')` before any
 * route, so it also covers routes mounted later with app.route(). Only `publicPaths` skip it.
 *
 * Without credentials a request passes only when `allowUnauthenticated` is set, which the composition
 * root does only for dev mode bound to loopback. A request that carries credentials is always checked,
 * even then. Failures answer 403 in AWS's shapes (MissingAuthenticationToken, UnrecognizedClient,
 * InvalidSignature, IncompleteSignature). Tokens are hashed at construction and compared as SHA-256
 * digests in constant time; neither tokens nor secrets are ever logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ConfigError } from '../errors.ts';
import { LambdaApiError } from './errors.ts';
import { verifySigV4 } from './sigv4.ts';

export interface AdminAuthSettings {
  /** Accepted bearer tokens (plain; hashed at construction). */
  readonly bearerTokens?: readonly string[];
  /** Accepted bearer tokens given as SHA-256 hex digests (for configs that store hashes). */
  readonly bearerTokenSha256?: readonly string[];
  /** SigV4: access key id → secret access key. */
  readonly sigv4Credentials?: Readonly<Record<string, string>>;
  /** Allowed SigV4 clock skew in ms; default 15 minutes. */
  readonly maxClockSkewMs?: number;
  /** Let requests without credentials through. Only for dev mode on a loopback bind. */
  readonly allowUnauthenticated?: boolean;
}

export interface AuthVariables {
  /** Who made the request: `sigv4:<access key id>`, `bearer:<digest prefix>` or `anonymous`. */
  principal: string;
}

export interface AuthOptions {
  readonly settings: AdminAuthSettings;
  readonly clock: () => number;
  /** Exact paths served without authentication (health, OpenAPI document). */
  readonly publicPaths: ReadonlySet<string>;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** @throws ConfigError when no way to authenticate is configured and anonymous access is off. */
export function adminAuth(options: AuthOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  const { settings } = options;
  const tokenDigests = [
    ...(settings.bearerTokens ?? []).map(digest),
    ...(settings.bearerTokenSha256 ?? []).map((hex) => Buffer.from(hex, 'hex')),
  ].filter((d) => d.length === 32);
  const secrets = new Map(Object.entries(settings.sigv4Credentials ?? {}));
  if (tokenDigests.length === 0 && secrets.size === 0 && settings.allowUnauthenticated !== true) {
    throw new ConfigError('Admin API: configure bearer tokens or SigV4 credentials (anonymous only in dev).');
  }

  const bearerPrincipal = (token: string): string | undefined => {
    const d = digest(token);
    let match = false;
    for (const t of tokenDigests) match = timingSafeEqual(d, t) || match;
    return match ? `bearer:${d.toString('hex').slice(0, 8)}` : undefined;
  };

  return async function auth(c, next) {
    if (options.publicPaths.has(c.req.path)) return next();
    const header = c.req.header('authorization');
    if (header === undefined) {
      if (settings.allowUnauthenticated !== true) {
        throw new LambdaApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      c.set('principal', 'anonymous');
      return next();
    }
    if (/^Bearer /i.test(header)) {
      const principal = bearerPrincipal(header.slice(7).trim());
      if (principal === undefined) {
        throw new LambdaApiError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      c.set('principal', principal);
      return next();
    }
    const url = new URL(c.req.url);
    const result = verifySigV4(
      {
        method: c.req.method,
        rawPath: url.pathname,
        rawQuery: url.search.slice(1),
        header: (name) => (name === 'host' ? (c.req.header('host') ?? url.host) : c.req.header(name)),
        body: new Uint8Array(await c.req.arrayBuffer()),
      },
      {
        secretFor: (id) => secrets.get(id),
        now: options.clock(),
        ...(settings.maxClockSkewMs === undefined ? {} : { maxSkewMs: settings.maxClockSkewMs }),
      },
    );
    if (!result.ok) throw new LambdaApiError(result.type, result.message);
    c.set('principal', `sigv4:${result.accessKeyId}`);
    return next();
  };
}
