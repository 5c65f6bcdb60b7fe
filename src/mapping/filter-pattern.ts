/**
 * Structural check of a FilterCriteria pattern (EventBridge pattern language, lambda-esm.md §3.7).
 *
 * A pattern is a JSON object whose leaves are non-empty arrays of matchers: literals (string, number,
 * boolean, null) or one-key operator objects (prefix, suffix, anything-but, numeric, exists,
 * equals-ignore-case, wildcard, cidr). `$or` holds an array of at least two sub-patterns. This only
 * decides "valid or not" (Lambda answers "Invalid filter pattern definition."); matching is the
 * runtime's business.
 */

const MAX_DEPTH = 10;
const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

/** A parsed JSON value (patterns and decoded record values). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** True when `text` is a well-formed filter pattern. Never throws. */
export function isValidFilterPattern(text: string): boolean {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return false;
  }
  return isPatternObject(parsed, 0);
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPatternObject(value: Json, depth: number): boolean {
  if (!isObject(value) || depth > MAX_DEPTH) return false;
  const entries = Object.entries(value);
  if (entries.length === 0) return false;
  return entries.every(([key, child]) => {
    if (key === '$or') {
      return Array.isArray(child) && child.length >= 2 && child.every((c) => isPatternObject(c, depth + 1));
    }
    if (Array.isArray(child)) return child.length > 0 && child.every(isMatcher);
    return isPatternObject(child, depth + 1);
  });
}

function isLiteral(value: Json): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function isMatcher(value: Json): boolean {
  if (isLiteral(value)) return true;
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) return false;
  const arg = value[op] as Json;
  switch (op) {
    case 'prefix':
    case 'suffix':
      return typeof arg === 'string' || isIgnoreCase(arg);
    case 'equals-ignore-case':
    case 'wildcard':
    case 'cidr':
      return typeof arg === 'string';
    case 'exists':
      return typeof arg === 'boolean';
    case 'numeric':
      return isNumericRange(arg);
    case 'anything-but':
      return isAnythingBut(arg);
    default:
      return false;
  }
}

function isIgnoreCase(arg: Json): boolean {
  return isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string';
}

function isNumericRange(arg: Json): boolean {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) return false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op) || typeof arg[i + 1] !== 'number') return false;
  }
  return true;
}

function isAnythingBut(arg: Json): boolean {
  if (typeof arg === 'string' || typeof arg === 'number') return true;
  if (Array.isArray(arg)) {
    return arg.length > 0 && arg.every((v) => typeof v === 'string' || typeof v === 'number');
  }
  if (!isObject(arg)) return false;
  const keys = Object.keys(arg);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) return false;
  const inner = arg[op] as Json;
  if (op === 'prefix' || op === 'suffix' || op === 'wildcard') return typeof inner === 'string';
  if (op === 'equals-ignore-case') {
    return typeof inner === 'string' || (Array.isArray(inner) && inner.every((v) => typeof v === 'string'));
  }
  return false;
}
