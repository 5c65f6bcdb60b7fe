/**
 * Resolves a mapping's FunctionName to a target, the way users expect: a name registered in config
 * (HTTP URL or module) or found in the functions directory is local; anything else — another name, or
 * any Lambda ARN — is a real Lambda function reached through the AWS SDK.
 */
import { resolve } from 'node:path';
import type { FunctionConfig } from '../config/schema.ts';
import { createHttpTarget } from './http.ts';
import { createLambdaTarget } from './lambda.ts';
import { createLocalTarget, findLocalFunction } from './local.ts';
import type { Target } from './target.ts';

export interface ResolverOptions {
  functionsDir: string;
  functions: Record<string, FunctionConfig>;
  region: string;
  timeoutMs: number;
  /** Worker threads per local function (default: the local target's own). */
  localConcurrency?: number;
  /** Overrides the SDK's endpoint resolution for Lambda targets (tests, embedded use). */
  lambdaEndpoint?: string;
}

const ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(:[A-Za-z0-9$_-]+)?$/;

/** A plain name (not an ARN) of a function that runs in this bridge: registered or in the directory. */
export function localKind(name: string, options: Pick<ResolverOptions, 'functionsDir' | 'functions'>) {
  const registered = options.functions[name];
  if (registered) return 'url' in registered ? 'http' : 'local';
  return findLocalFunction(options.functionsDir, name) ? 'local' : undefined;
}

export function createTargetResolver(options: ResolverOptions) {
  const cache = new Map<string, Target>();
  const build = (name: string): Target => {
    if (!ARN.test(name)) {
      const registered = options.functions[name];
      if (registered && 'url' in registered) {
        return createHttpTarget({
          name,
          url: registered.url,
          timeoutMs: options.timeoutMs,
          ...(registered.headers ? { headers: registered.headers } : {}),
        });
      }
      const modulePath =
        registered && 'module' in registered
          ? resolve(registered.module)
          : findLocalFunction(options.functionsDir, name);
      if (modulePath) {
        return createLocalTarget({
          name,
          modulePath,
          timeoutMs: options.timeoutMs,
          ...(options.localConcurrency ? { maxWorkers: options.localConcurrency } : {}),
        });
      }
    }
    return createLambdaTarget({
      functionName: name,
      region: options.region,
      timeoutMs: options.timeoutMs,
      ...(options.lambdaEndpoint ? { endpoint: options.lambdaEndpoint } : {}),
    });
  };
  return {
    get(name: string): Target {
      let target = cache.get(name);
      if (!target) {
        target = build(name);
        cache.set(name, target);
      }
      return target;
    },
    async close(): Promise<void> {
      await Promise.all([...cache.values()].map((t) => t.close?.()));
      cache.clear();
    },
  };
}

export type TargetResolver = ReturnType<typeof createTargetResolver>;

/** The function name inside an ARN, or the name itself. */
export function functionNameOf(nameOrArn: string): string {
  const m = ARN.exec(nameOrArn);
  return m ? (m[1] as string) : nameOrArn;
}

export function functionArnOf(nameOrArn: string, region: string, accountId: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:aws:lambda:${region}:${accountId}:function:${nameOrArn}`;
}
