/**
 * The invoke port. A target sends one payload (the event JSON bytes) to a function and reports what
 * happened without interpreting it: classification (success, partial, retry, give up) is pure and lives
 * in ./outcome.ts. Targets never retry: the bridge owns retries, so exactly one attempt is in flight.
 */
export type InvokeStatus =
  /** The function ran and returned (body = its response). */
  | 'ok'
  /** The function ran and failed (Lambda's X-Amz-Function-Error; an HTTP 5xx from a function URL). */
  | 'function-error'
  /** The platform refused for now (HTTP 429, TooManyRequestsException); retry after a pause. */
  | 'throttled'
  /** The function does not exist. */
  | 'not-found'
  /** The request was too large for the target (413, RequestTooLargeException). */
  | 'too-large'
  /** No answer: timeout, connection refused, 5xx of the platform itself. */
  | 'transport-error';

export interface InvokeResponse {
  status: InvokeStatus;
  /** Response body: the function's result, or its error document. */
  body?: Uint8Array;
  /** A short, secret-free description for logs and LastProcessingResult. */
  message?: string;
  retryAfterMs?: number;
  statusCode?: number;
  durationMs: number;
}

export interface Target {
  readonly kind: 'lambda' | 'http' | 'local';
  readonly name: string;
  invoke(payload: Uint8Array, options?: { signal?: AbortSignal }): Promise<InvokeResponse>;
  close?(): Promise<void>;
}
