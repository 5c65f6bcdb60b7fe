/**
 * Request-body and query validation at the boundary: JSON text → zod schema → typed input, or a
 * Lambda-shaped 4xx. Bodies are read as text whatever the Content-Type (the CLI, the SDKs and curl
 * differ there); an empty body counts as `{}` so a missing member gets its own clear message.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { fromZodError, LambdaApiError } from './errors.ts';

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch {
      throw new LambdaApiError('InvalidRequestContentException', 'Could not parse request body into json.');
    }
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}

/** MaxItems query parameter: an integer 1..10000 (Lambda's `MaxListItems`). */
export function parseMaxItems(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw new LambdaApiError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${raw.slice(0, 20)}' at 'maxItems' failed to satisfy constraint: ` +
        'Member must have value between 1 and 10000',
    );
  }
  return n;
}
