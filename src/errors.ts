/**
 * The bridge's one error taxonomy: a closed set of codes, a retry bit, and a cause chain.
 * Every module throws a BridgeError (or a subclass); callers branch on `code`, never on message text.
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'ENCODE_FAILED',
  'RECORD_TOO_LARGE',
  'DECODE_FAILED',
  'KAFKA_CONNECT_FAILED',
  'KAFKA_AUTH_FAILED',
  'KAFKA_NOT_AUTHORIZED',
  'KAFKA_STATE',
  'INVOKE_FAILED',
  'INVOKE_THROTTLED',
  'INVOKE_TIMEOUT',
  'FUNCTION_ERROR',
  'FUNCTION_NOT_FOUND',
  'OWNERSHIP_LOST',
  'REDIS_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_PARAMETER',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface BridgeErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  context?: Record<string, unknown>;
}

export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BridgeError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export class ConfigError extends BridgeError {
  constructor(message: string, options: BridgeErrorOptions = {}) {
    super('CONFIG_INVALID', message, { retriable: false, ...options });
    this.name = 'ConfigError';
  }
}

export class EncodeError extends BridgeError {
  constructor(code: 'ENCODE_FAILED' | 'RECORD_TOO_LARGE', message: string, options: BridgeErrorOptions = {}) {
    super(code, message, { retriable: false, ...options });
    this.name = 'EncodeError';
  }
}

export class InvokeError extends BridgeError {
  constructor(
    code: 'INVOKE_FAILED' | 'INVOKE_THROTTLED' | 'INVOKE_TIMEOUT' | 'FUNCTION_ERROR' | 'FUNCTION_NOT_FOUND',
    message: string,
    options: BridgeErrorOptions = {},
  ) {
    super(code, message, { retriable: code !== 'FUNCTION_NOT_FOUND', ...options });
    this.name = 'InvokeError';
  }
}

export function isBridgeError(value: unknown): value is BridgeError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { retriable?: unknown }).retriable === 'boolean'
  );
}
