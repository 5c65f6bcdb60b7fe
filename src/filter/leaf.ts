/**
 * Leaf matchers of the EventBridge pattern language (lambda-esm.md §3.7), compiled once into closures.
 *
 * A pattern leaf is an array of matchers; it matches when any matcher accepts any leaf value found at
 * its path (a JSON array in the event is flattened: "any element matches"). Semantics follow
 * aws/event-ruler, which EventBridge and Lambda use:
 *   - literals: strings equal strings, numbers equal numbers numerically (5 matches 5.0), true/false,
 *     null matches JSON null only ("" and null are different);
 *   - prefix, suffix, equals-ignore-case, wildcard, cidr: string leaves only;
 *   - numeric: number leaves only; `[">", 0, "<=", 5]`, `["=", 3]`;
 *   - exists: true when the path holds at least one leaf (null counts, an object or `[]` does not),
 *     false when it holds none; like event-ruler, exists only sees leaves;
 *   - anything-but: accepts every leaf that is not excluded, whatever its type (so a number or null
 *     passes `{"anything-but": ["a"]}`, and a non-string passes `{"anything-but": {"prefix": "a"}}`).
 */
import { BlockList, isIP } from 'node:net';
import type { Json } from '../mapping/filter-pattern.ts';

/** A JSON leaf of the event. */
export type Leaf = string | number | boolean | null;
export type LeafTest = (leaf: Leaf) => boolean;

/** The compiled matchers of one pattern leaf. */
export interface LeafMatcher {
  /** Accepts a leaf value; undefined when the leaf has only `exists` matchers. */
  readonly test: LeafTest | undefined;
  readonly existsTrue: boolean;
  readonly existsFalse: boolean;
}

type Obj = { [key: string]: Json };

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
export function wildcardRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '\\' && (glob[i + 1] === '*' || glob[i + 1] === '\\')) {
      source += escapeRegExp(glob[i + 1] as string);
      i++;
    } else if (ch === '*') {
      source += '.*';
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`, 'su');
}

const ignoreCase = (text: string, anchor: 'prefix' | 'suffix' | 'exact'): RegExp => {
  const body = escapeRegExp(text);
  const source = anchor === 'prefix' ? `^${body}` : anchor === 'suffix' ? `${body}$` : `^${body}$`;
  return new RegExp(source, 'iu');
};

const stringTest =
  (accept: (s: string) => boolean): LeafTest =>
  (leaf) =>
    typeof leaf === 'string' && accept(leaf);

/** `prefix`/`suffix` with a string or `{"equals-ignore-case": …}` argument. */
function affixTest(kind: 'prefix' | 'suffix', arg: Json): (s: string) => boolean {
  if (typeof arg === 'string') return kind === 'prefix' ? (s) => s.startsWith(arg) : (s) => s.endsWith(arg);
  const re = ignoreCase(String((arg as Obj)['equals-ignore-case']), kind);
  return (s) => re.test(s);
}

function cidrTest(cidr: string): (s: string) => boolean {
  const slash = cidr.indexOf('/');
  const address = slash < 0 ? cidr : cidr.slice(0, slash);
  const family = isIP(address);
  const bits = slash < 0 ? (family === 6 ? 128 : 32) : Number(cidr.slice(slash + 1));
  const max = family === 6 ? 128 : 32;
  // An unparseable block can never hold an address: the matcher then accepts nothing.
  if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > max) return () => false;
  const list = new BlockList();
  const type = family === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(address, bits, type);
  return (s) => isIP(s) === family && list.check(s, type);
}

function numericTest(arg: Json[]): LeafTest {
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let loOpen = false;
  let hiOpen = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i] as string;
    const n = arg[i + 1] as number;
    if (op === '=' || op === '>' || op === '>=') {
      lo = n;
      loOpen = op === '>';
    }
    if (op === '=' || op === '<' || op === '<=') {
      hi = n;
      hiOpen = op === '<';
    }
  }
  return (leaf) =>
    typeof leaf === 'number' && (loOpen ? leaf > lo : leaf >= lo) && (hiOpen ? leaf < hi : leaf <= hi);
}

/** The anything-but argument, compiled to the test of what it *excludes*. */
function excludedTest(arg: Json): LeafTest {
  if (!isObj(arg)) {
    const values = Array.isArray(arg) ? arg : [arg];
    const strings = new Set(values.filter((v): v is string => typeof v === 'string'));
    const numbers = new Set(values.filter((v): v is number => typeof v === 'number'));
    return (leaf) =>
      typeof leaf === 'string' ? strings.has(leaf) : typeof leaf === 'number' && numbers.has(leaf);
  }
  const [op, inner] = Object.entries(arg)[0] as [string, Json];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return stringTest(affixTest(op, inner));
    case 'wildcard': {
      const re = wildcardRegExp(String(inner));
      return stringTest((s) => re.test(s));
    }
    default: {
      // equals-ignore-case: one string or a list.
      const res = (Array.isArray(inner) ? inner : [inner]).map((t) => ignoreCase(String(t), 'exact'));
      return stringTest((s) => {
        for (let i = 0; i < res.length; i++) if ((res[i] as RegExp).test(s)) return true;
        return false;
      });
    }
  }
}

/** One operator object (`{"prefix": "a"}`, …) → its leaf test. `exists` is handled by the caller. */
function operatorTest(op: string, arg: Json): LeafTest {
  switch (op) {
    case 'prefix':
    case 'suffix':
      return stringTest(affixTest(op, arg));
    case 'equals-ignore-case': {
      const re = ignoreCase(String(arg), 'exact');
      return stringTest((s) => re.test(s));
    }
    case 'wildcard': {
      const re = wildcardRegExp(String(arg));
      return stringTest((s) => re.test(s));
    }
    case 'cidr':
      return stringTest(cidrTest(String(arg)));
    case 'numeric':
      return numericTest(arg as Json[]);
    default: {
      // anything-but (the validator admits nothing else).
      const excluded = excludedTest(arg);
      return (leaf) => !excluded(leaf);
    }
  }
}

/** Compiles a validated pattern leaf (a non-empty array of matchers). */
export function compileLeaf(matchers: readonly Json[]): LeafMatcher {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  let acceptTrue = false;
  let acceptFalse = false;
  let acceptNull = false;
  let existsTrue = false;
  let existsFalse = false;
  const tests: LeafTest[] = [];
  for (const m of matchers) {
    if (typeof m === 'string') strings.add(m);
    else if (typeof m === 'number') numbers.add(m);
    else if (m === true) acceptTrue = true;
    else if (m === false) acceptFalse = true;
    else if (m === null) acceptNull = true;
    else if (isObj(m)) {
      const [op, arg] = Object.entries(m)[0] as [string, Json];
      if (op === 'exists') {
        if (arg === true) existsTrue = true;
        else existsFalse = true;
      } else {
        tests.push(operatorTest(op, arg));
      }
    }
  }
  const literals = strings.size + numbers.size > 0 || acceptTrue || acceptFalse || acceptNull;
  if (!literals && tests.length === 0) return { test: undefined, existsTrue, existsFalse };
  const test: LeafTest = (leaf) => {
    switch (typeof leaf) {
      case 'string':
        if (strings.has(leaf)) return true;
        break;
      case 'number':
        if (numbers.has(leaf)) return true;
        break;
      case 'boolean':
        if (leaf ? acceptTrue : acceptFalse) return true;
        break;
      default:
        if (acceptNull) return true;
    }
    for (let i = 0; i < tests.length; i++) if ((tests[i] as LeafTest)(leaf)) return true;
    return false;
  };
  return { test, existsTrue, existsFalse };
}
