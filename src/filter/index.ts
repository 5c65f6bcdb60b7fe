/**
 * FilterCriteria for Kafka records, as Lambda applies them (lambda-esm.md §3.7): each pattern (an
 * EventBridge pattern, already checked by src/mapping/filter-pattern.ts) is matched against the event
 * `{ "value": <decoded value> }` (decode.ts); a record is kept when any pattern matches. Like AWS, the
 * only data field is `value`: a pattern naming another top-level field (key, headers, topic, …) finds
 * it absent, so such a field can only satisfy `{"exists": false}`.
 *
 * Compiled once per mapping; per record the only allocations are the decoded string and JSON.parse.
 */
import { BridgeError } from '../errors.ts';
import { isValidFilterPattern, type Json } from '../mapping/filter-pattern.ts';
import { compilePattern, type NodeTest } from './compile.ts';

import { decodeValue } from './decode.ts';

export { decodeValue };

/** Lambda's default limit of filters per mapping (raisable to 10 on AWS). */
export const MAX_FILTERS = 10;

function compileOne(text: string, index: number): NodeTest {
  if (!isValidFilterPattern(text)) {
    throw new BridgeError('INVALID_PARAMETER', `filter pattern ${index} is not a valid pattern`, {
      context: { index },
    });
  }
  return compilePattern(JSON.parse(text) as { [key: string]: Json });
}

/**
 * Compiles FilterCriteria patterns into a predicate on a record's value bytes (null = tombstone).
 * Returns undefined when there are no patterns (keep everything).
 * @throws BridgeError INVALID_PARAMETER when a pattern is not valid (the admin API refuses those).
 */
export function compileFilters(
  patterns: readonly string[],
): ((value: Uint8Array | null) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const tests = patterns.map(compileOne);
  // One event object, reused: matching is synchronous, so no two records ever share it.
  const event: { value: unknown } = { value: undefined };
  const [only] = tests;
  if (tests.length === 1 && only !== undefined) {
    return (bytes) => {
      event.value = decodeValue(bytes);
      const kept = only(event);
      event.value = undefined;
      return kept;
    };
  }
  return (bytes) => {
    event.value = decodeValue(bytes);
    let kept = false;
    for (let i = 0; i < tests.length && !kept; i++) kept = (tests[i] as NodeTest)(event);
    event.value = undefined;
    return kept;
  };
}
