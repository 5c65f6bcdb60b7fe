/**
 * A real AWS Lambda function (or any Lambda-API endpoint: LocalStack, the bridge's own Invoke route)
 * through @aws-sdk/client-lambda. Region, credentials and endpoint come from the standard AWS settings
 * (AWS_REGION, AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL, profiles). SDK retries are off (one attempt
 * in flight, the bridge retries) and the socket timeout sits above the function's 14-minute limit.
 */
import type { LambdaClient, LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { InvokeResponse, Target } from './target.ts';

type Sdk = typeof import('@aws-sdk/client-lambda');
// Loaded on first use: a bridge whose functions are all local or HTTP never loads the SDK (≈ 30 MB
// of RSS measured on Node 24).
let sdk: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  sdk ??= import('@aws-sdk/client-lambda');
  return sdk;
}

export interface LambdaTargetOptions {
  functionName: string;
  region: string;
  timeoutMs: number;
  /** Tests and embedded use: an explicit endpoint; otherwise the SDK's own resolution applies. */
  endpoint?: string;
  clientConfig?: Partial<LambdaClientConfig>;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

export function createLambdaTarget(options: LambdaTargetOptions): Target {
  let client: Promise<{ lambda: LambdaClient; InvokeCommand: Sdk['InvokeCommand'] }> | undefined;
  const connect = () => {
    client ??= loadSdk().then(({ LambdaClient, InvokeCommand }) => ({
      InvokeCommand,
      lambda: new LambdaClient({
        region: options.region,
        maxAttempts: 1,
        requestHandler: { requestTimeout: options.timeoutMs + 60_000, connectionTimeout: 10_000 },
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...options.clientConfig,
      }),
    }));
    return client;
  };
  return {
    kind: 'lambda',
    name: options.functionName,
    async invoke(payload, invokeOptions = {}): Promise<InvokeResponse> {
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      try {
        const { lambda, InvokeCommand } = await connect();
        const out = await lambda.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: 'RequestResponse',
            Payload: payload,
          }),
          invokeOptions.signal ? { abortSignal: invokeOptions.signal } : {},
        );
        const body = out.Payload;
        if (out.FunctionError) {
          return {
            status: 'function-error',
            ...(body ? { body } : {}),
            message: `function error (${out.FunctionError})`,
            statusCode: out.StatusCode ?? 200,
            durationMs: durationMs(),
          };
        }
        return {
          status: 'ok',
          ...(body ? { body } : {}),
          statusCode: out.StatusCode ?? 200,
          durationMs: durationMs(),
        };
      } catch (error) {
        const name = errorName(error);
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const base = {
          message: `${name}: ${(error as Error).message}`.slice(0, 500),
          durationMs: durationMs(),
        };
        if (name === 'TooManyRequestsException' || status === 429) {
          const retryAfter = Number((error as { retryAfterSeconds?: string }).retryAfterSeconds);
          return {
            status: 'throttled',
            ...base,
            statusCode: 429,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
          };
        }
        if (name === 'ResourceNotFoundException') return { status: 'not-found', ...base, statusCode: 404 };
        if (name === 'RequestTooLargeException' || status === 413)
          return { status: 'too-large', ...base, statusCode: 413 };
        return { status: 'transport-error', ...base, ...(status ? { statusCode: status } : {}) };
      }
    },
    async close() {
      if (client) (await client).lambda.destroy();
    },
  };
}
