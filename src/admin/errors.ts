/**
 * The one place where failures become Lambda-shaped error responses (lambda-esm.md §2.7):
 * HTTP status, `x-amzn-ErrorType` header, body `{ "Type", "message" | "Message" }` with the member
 * casing of Lambda's model, so the AWS SDKs and CLI raise their typed exceptions.
 *
 * BridgeError codes: NOT_FOUND → ResourceNotFoundException; INVALID_PARAMETER →
 * InvalidParameterValueException; CONFLICT with context.kind 'in-use' → ResourceInUseException, other
 * CONFLICT → ResourceConflictException. Zod issues → InvalidParameterValueException with AWS-style
 * "N validation error(s) detected" text. Hono HTTPExceptions below 500 → InvalidRequestContentException
 * (413 → RequestTooLargeException), a SyntaxError (c.req.json() on bad JSON) → InvalidRequestContentException.
 * Anything else → ServiceException 500 (logged, message hidden).
 * Routes mounted later (the runtime's Invoke) may throw a LambdaApiError to answer any of these types.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { isBridgeError } from '../errors.ts';

/** Status and message member casing per error type (Lambda model; auth errors from AWS's front end). */
export const LAMBDA_ERROR_TYPES = {
  InvalidParameterValueException: { status: 400, key: 'message' },
  InvalidRequestContentException: { status: 400, key: 'message' },
  ResourceInUseException: { status: 400, key: 'Message' },
  ResourceNotFoundException: { status: 404, key: 'Message' },
  ResourceConflictException: { status: 409, key: 'message' },
  RequestTooLargeException: { status: 413, key: 'message' },
  TooManyRequestsException: { status: 429, key: 'message' },
  ServiceException: { status: 500, key: 'Message' },
  UnknownOperationException: { status: 404, key: 'message' },
  MissingAuthenticationTokenException: { status: 403, key: 'message' },
  IncompleteSignatureException: { status: 403, key: 'message' },
  InvalidSignatureException: { status: 403, key: 'message' },
  UnrecognizedClientException: { status: 403, key: 'message' },
} as const;

export type LambdaErrorType = keyof typeof LAMBDA_ERROR_TYPES;

/** An error the admin API answers with as-is. */
export class LambdaApiError extends Error {
  readonly type: LambdaErrorType;

  constructor(type: LambdaErrorType, message: string) {
    super(message);
    this.name = 'LambdaApiError';
    this.type = type;
  }

  get status(): number {
    return LAMBDA_ERROR_TYPES[this.type].status;
  }
}

export const RESOURCE_NOT_FOUND = 'The resource you requested does not exist.';

/** Maps any thrown value to the error the client sees. */
export function toLambdaError(err: unknown): LambdaApiError {
  if (err instanceof LambdaApiError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own client errors (e.g. a malformed body in a route mounted later) stay 4xx.
    return err.status === 413
      ? new LambdaApiError('RequestTooLargeException', 'Request entity too large.')
      : new LambdaApiError('InvalidRequestContentException', err.message || 'Invalid request.');
  }
  if (err instanceof SyntaxError) {
    // c.req.json() on a malformed body in a route mounted later.
    return new LambdaApiError('InvalidRequestContentException', 'Could not parse request body into json.');
  }
  if (isBridgeError(err)) {
    switch (err.code) {
      case 'NOT_FOUND':
        return new LambdaApiError('ResourceNotFoundException', err.message || RESOURCE_NOT_FOUND);
      case 'INVALID_PARAMETER':
        return new LambdaApiError('InvalidParameterValueException', err.message);
      case 'CONFLICT':
        return err.context.kind === 'in-use'
          ? new LambdaApiError('ResourceInUseException', err.message)
          : new LambdaApiError('ResourceConflictException', err.message);
      default:
        break;
    }
  }
  return new LambdaApiError('ServiceException', 'An internal error occurred. See the bridge logs.');
}

/** Writes the Lambda-shaped response for `err` (the caller adds x-amzn-RequestId). */
export function lambdaErrorResponse(c: Context, err: LambdaApiError): Response {
  const { status, key } = LAMBDA_ERROR_TYPES[err.type];
  const body = { Type: err.type === 'ServiceException' ? 'Service' : 'User', [key]: err.message };
  return c.json(body, status, { 'x-amzn-ErrorType': err.type });
}

const SECRET_PATHS = /SourceAccessConfigurations|AccessConfigs|Authorization/;

/** Zod issues → one InvalidParameterValueException, worded like AWS's validation errors. */
export function fromZodError(error: z.ZodError): LambdaApiError {
  const parts = error.issues.slice(0, 10).map(describeIssue);
  const n = error.issues.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  return new LambdaApiError('InvalidParameterValueException', head + parts.join('; '));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  const where = path === '' ? 'the request body' : `'${path}'`;
  if (issue.code === 'unrecognized_keys') {
    return `Unrecognized parameter(s) at ${where}: ${issue.keys.map((k) => truncate(k)).join(', ')}`;
  }
  return `${valueText(issue, path)} at ${where} failed to satisfy constraint: ${constraint(issue)}`;
}

function valueText(issue: z.core.$ZodIssue, path: string): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined || input === null) return 'Value null';
  if (SECRET_PATHS.test(path)) return 'Value';
  const t = typeof input;
  if (t === 'string' || t === 'number' || t === 'boolean') return `Value '${truncate(String(input))}'`;
  return 'Value';
}

function constraint(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const dir = issue.code === 'too_big' ? 'less' : 'greater';
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return `Member must have value ${dir} than or equal to ${String(bound)}`;
      }
      if (issue.exact === true) return `Member must have length equal to ${String(bound)}`;
      return `Member must have length ${dir} than or equal to ${String(bound)}`;
    }
    case 'invalid_format':
      return issue.format === 'regex'
        ? `Member must satisfy regular expression pattern: ${String(issue.pattern).replace(/^\/|\/[a-z]*$/g, '')}`
        : `Member must be a valid ${issue.format}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_type':
      if ((issue as { input?: unknown }).input === undefined) return 'Member must not be null';
      return `Member must be of type ${issue.expected === 'int' ? 'integer' : issue.expected}`;
    case 'invalid_union':
      return 'Member has an invalid value or type';
    default:
      return issue.message;
  }
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
