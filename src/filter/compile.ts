/**
 * A validated pattern object → one closure that tests an event node, compiled once per mapping.
 *
 * An object pattern matches a node when every field matches (AND) and, for each `$or`, at least one
 * alternative matches. A nested object pattern applies to the event's object at that key; when the
 * event holds an array there, the pattern must match one element as a whole (fields of different
 * elements are never combined). A leaf pattern (array of matchers) is compiled by leaf.ts.
 */
import type { Json } from '../mapping/filter-pattern.ts';
import { compileLeaf, type Leaf, type LeafMatcher, type LeafTest } from './leaf.ts';

/** Tests a node of the event (a parsed JSON value, or undefined for "absent"). */
export type NodeTest = (node: unknown) => boolean;

type Obj = { [key: string]: Json };

const NO_LEAF = 0;
const LEAF = 1;
const MATCH = 2;

/** NO_LEAF when the node holds no leaf, LEAF when leaves but none passed, MATCH when one passed. */
function scan(node: unknown, test: LeafTest | undefined): number {
  if (node === null || typeof node !== 'object') {
    return test?.(node as Leaf) ? MATCH : LEAF;
  }
  if (!Array.isArray(node)) return NO_LEAF;
  let seen = NO_LEAF;
  for (let i = 0; i < node.length; i++) {
    const r = scan(node[i], test);
    if (r === MATCH) return MATCH;
    if (r > seen) seen = r;
  }
  return seen;
}

function leafTest(matcher: LeafMatcher): NodeTest {
  const { test, existsTrue, existsFalse } = matcher;
  return (node) => {
    const r = node === undefined ? NO_LEAF : scan(node, test);
    return r === MATCH || (existsTrue && r === LEAF) || (existsFalse && r === NO_LEAF);
  };
}

/** An own property of an object node (never one from the prototype: `constructor` is not a field). */
function field(node: object, key: string): unknown {
  return Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
}

/** Applies an object test to a node: an object directly, an array through any element. */
function onObjects(node: unknown, test: (obj: object) => boolean): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (!Array.isArray(node)) return test(node);
  for (let i = 0; i < node.length; i++) if (onObjects(node[i], test)) return true;
  return false;
}

type FieldTest = (obj: object) => boolean;

function fieldTest(key: string, child: Json): FieldTest {
  if (key === '$or' && Array.isArray(child)) {
    const alternatives = child.map((alt) => objectTest(alt as Obj));
    return (obj) => {
      for (let i = 0; i < alternatives.length; i++) if ((alternatives[i] as FieldTest)(obj)) return true;
      return false;
    };
  }
  if (Array.isArray(child)) {
    const leaf = leafTest(compileLeaf(child));
    return (obj) => leaf(field(obj, key));
  }
  const nested = objectTest(child as Obj);
  return (obj) => onObjects(field(obj, key), nested);
}

/** All fields of an object pattern, as one test of an object node. */
function objectTest(pattern: Obj): FieldTest {
  const tests = Object.entries(pattern).map(([key, child]) => fieldTest(key, child));
  if (tests.length === 1) return tests[0] as FieldTest;
  return (obj) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as FieldTest)(obj)) return false;
    return true;
  };
}

/** Compiles a validated, parsed pattern into a test of the event object. */
export function compilePattern(pattern: Obj): NodeTest {
  const test = objectTest(pattern);
  return (event) => onObjects(event, test);
}
