/**
 * An HTTP endpoint: the event is POSTed as JSON; a 2xx answer is the function's result. Built on
 * node:http rather than fetch because undici's default 300 s header timeout is shorter than a
 * 14-minute function (../shared/docs/reliability.md §0.6).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { InvokeResponse, InvokeStatus, Target } from './target.ts';

export interface HttpTargetOptions {
  name: string;
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

function statusOf(code: number): InvokeStatus {
  if (code >= 200 && code < 300) return 'ok';
  if (code === 429 || code === 503) return 'throttled';
  if (code === 404) return 'not-found';
  if (code === 413) return 'too-large';
  return 'function-error';
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function createHttpTarget(options: HttpTargetOptions): Target {
  const url = new URL(options.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    kind: 'http',
    name: options.name,
    invoke(payload, invokeOptions = {}) {
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      return new Promise<InvokeResponse>((resolve) => {
        const req = send(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': payload.byteLength,
              ...options.headers,
            },
            timeout: options.timeoutMs,
            ...(invokeOptions.signal ? { signal: invokeOptions.signal } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (error) =>
              resolve({ status: 'transport-error', message: error.message, durationMs: durationMs() }),
            );
            res.on('end', () => {
              const code = res.statusCode ?? 0;
              const status = statusOf(code);
              const after = retryAfterMs(res.headers['retry-after']);
              resolve({
                status,
                body: Buffer.concat(chunks),
                statusCode: code,
                durationMs: durationMs(),
                ...(status === 'ok' ? {} : { message: `HTTP ${code}` }),
                ...(after === undefined ? {} : { retryAfterMs: after }),
              });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', (error) =>
          resolve({ status: 'transport-error', message: error.message, durationMs: durationMs() }),
        );
        req.end(payload);
      });
    },
  };
}
