/** Table-driven filter cases: a pattern, values (UTF-8 text) it keeps, and values it drops. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compileFilters } from '../../../src/filter/index.ts';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export function keeps(patterns: string | readonly string[], value: Uint8Array | string | null): boolean {
  const filter = compileFilters(typeof patterns === 'string' ? [patterns] : patterns);
  assert.ok(filter, 'patterns compile to a filter');
  return filter(typeof value === 'string' ? bytes(value) : value);
}

export function cases(pattern: string, match: readonly string[], noMatch: readonly string[]): void {
  for (const v of match) it(`${pattern} keeps ${v}`, () => assert.equal(keeps(pattern, v), true));
  for (const v of noMatch) it(`${pattern} drops ${v}`, () => assert.equal(keeps(pattern, v), false));
}
