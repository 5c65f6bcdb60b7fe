/**
 * The Lambda Invoke REST operation for the bridge's local functions, so that `aws lambda invoke
 * --endpoint-url` and @aws-sdk/client-lambda reach them — and so a mapping can target them through the
 * real SDK. Shapes follow Lambda: 200 with the result; a function error is 200 with
 * `X-Amz-Function-Error: Unhandled` and the error document; unknown function → 404
 * ResourceNotFoundException; a body over 6 MB → 413 RequestTooLargeException.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { FunctionConfig } from '../config/schema.ts';
import { functionArnOf, functionNameOf, localKind, type TargetResolver } from './resolve.ts';

export interface InvokeApiDeps {
  targets: TargetResolver;
  functionsDir: string;
  functions: Record<string, FunctionConfig>;
  region: string;
  accountId: string;
}

const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

function lambdaError(status: 400 | 404 | 413 | 502, type: string, message: string) {
  const requestId = randomUUID();
  return new Response(JSON.stringify({ Type: 'User', Message: message, message }), {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId },
  });
}

export function createInvokeApi(deps: InvokeApiDeps): Hono {
  const app = new Hono();
  app.post('/2015-03-31/functions/:name/invocations', async (c) => {
    const raw = decodeURIComponent(c.req.param('name'));
    const name = functionNameOf(raw);
    const arn = functionArnOf(name, deps.region, deps.accountId);
    if (localKind(name, deps) === undefined) {
      return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > MAX_SYNC_PAYLOAD) {
      return lambdaError(
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`,
      );
    }
    const invocationType = c.req.header('x-amz-invocation-type') ?? 'RequestResponse';
    const requestId = randomUUID();
    const common = { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
    if (invocationType === 'DryRun') return new Response(null, { status: 204, headers: common });
    const target = deps.targets.get(name);
    const run = target.invoke(body.byteLength > 0 ? body : new TextEncoder().encode('{}'));
    if (invocationType === 'Event') {
      void run;
      return new Response(null, { status: 202, headers: common });
    }
    const response = await run;
    const headers: Record<string, string> = { ...common, 'content-type': 'application/json' };
    if (response.status === 'ok') return new Response(response.body ?? null, { status: 200, headers });
    if (response.status === 'function-error') {
      headers['x-amz-function-error'] = 'Unhandled';
      return new Response(response.body ?? null, { status: 200, headers });
    }
    return lambdaError(502, 'ServiceException', response.message ?? 'the function could not be invoked');
  });
  return app;
}
