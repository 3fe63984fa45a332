/**
 * LIKE patterns. ActiveMQ (ComparisonExpression.LikeExpression) turns the pattern into a java.util.regex
 * with `%` as `.*?` and `_` as `.`; here the pattern is split at its `%`s into fixed-length segments that
 * are matched left to right, which gives the same answers in O(value × pattern) time at worst and can
 * never backtrack exponentially, whatever a client sends.
 *
 * Escapes follow ActiveMQ exactly: the escape character only escapes when the next character is `_`,
 * `%` or the escape character itself; anywhere else it stands for itself (so with ESCAPE '%' a `%` not
 * followed by one of those is still a wildcard). `_` matches one character, where a surrogate pair counts
 * as one character, as it does for Java's `.`.
 */

/** A run of literal text, or a number of `_` wildcards. */
type Part = string | number;
type Segment = Part[];

export type LikeMatcher = (value: string) => boolean;

export function compileLike(pattern: string, escape: string | null): LikeMatcher {
  const segments: Segment[] = [[]];
  let literal = '';
  let current = segments[0]!;
  const flush = (): void => {
    if (literal.length > 0) current.push(literal);
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (c === escape && next !== undefined && (next === '_' || next === '%' || next === c)) {
      literal += next;
      i++;
    } else if (c === '%') {
      flush();
      current = [];
      segments.push(current);
    } else if (c === '_') {
      flush();
      const last = current[current.length - 1];
      if (typeof last === 'number') current[current.length - 1] = last + 1;
      else current.push(1);
    } else {
      literal += c;
    }
  }
  flush();

  const first = segments[0]!;
  if (segments.length === 1) {
    if (first.length === 0) return (s) => s.length === 0;
    if (first.length === 1 && typeof first[0] === 'string') {
      const exact = first[0];
      return (s) => s === exact;
    }
    return (s) => matchAt(s, 0, first, s.length) === s.length;
  }
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((seg) => seg.length > 0);
  return (s) => {
    const start = matchAt(s, 0, first, s.length);
    if (start < 0) return false;
    const end = matchBackward(s, s.length, last, start);
    if (end < 0) return false;
    let pos = start;
    for (const seg of middle) {
      pos = findForward(s, pos, seg, end);
      if (pos < 0) return false;
    }
    return true;
  };
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Matches `seg` at `pos` without passing `limit`; the end index, or -1. */
function matchAt(s: string, pos: number, seg: Segment, limit: number): number {
  for (const part of seg) {
    if (typeof part === 'string') {
      if (pos + part.length > limit || !s.startsWith(part, pos)) return -1;
      pos += part.length;
    } else {
      for (let k = 0; k < part; k++) {
        if (pos >= limit) return -1;
        pos += isHigh(s.charCodeAt(pos)) && pos + 1 < limit && isLow(s.charCodeAt(pos + 1)) ? 2 : 1;
      }
    }
  }
  return pos;
}

/** Matches `seg` so that it ends at `end`, not starting before `floor`; the start index, or -1. */
function matchBackward(s: string, end: number, seg: Segment, floor: number): number {
  for (let i = seg.length - 1; i >= 0; i--) {
    const part = seg[i]!;
    if (typeof part === 'string') {
      const from = end - part.length;
      if (from < floor || !s.startsWith(part, from)) return -1;
      end = from;
    } else {
      for (let k = 0; k < part; k++) {
        if (end <= floor) return -1;
        end -= isLow(s.charCodeAt(end - 1)) && end - 2 >= floor && isHigh(s.charCodeAt(end - 2)) ? 2 : 1;
      }
    }
  }
  return end;
}

/**
 * The end of the leftmost match of `seg` at or after `from` that ends by `limit`, or -1. Taking the
 * leftmost match of each middle segment is always safe: a later match would leave less room for the rest.
 */
function findForward(s: string, from: number, seg: Segment, limit: number): number {
  const head = seg[0];
  let pos = from;
  while (pos <= limit) {
    if (typeof head === 'string') {
      pos = s.indexOf(head, pos);
      if (pos < 0 || pos + head.length > limit) return -1;
    }
    const end = matchAt(s, pos, seg, limit);
    if (end >= 0) return end;
    pos += isHigh(s.charCodeAt(pos)) && isLow(s.charCodeAt(pos + 1)) ? 2 : 1;
  }
  return -1;
}
