/**
 * The selector tokenizer, following the token definitions of ActiveMQ's SelectorParser.jj:
 * - whitespace is only space, tab, CR, LF and form feed;
 * - `-- text` is a comment only when a line break ends it (at the very end of the text `--` is two
 *   minus signs, as in ActiveMQ), and `/* text *\/` is a block comment;
 * - keywords are case-insensitive; identifiers are ASCII `[A-Za-z_$][A-Za-z0-9_$]*`;
 * - numbers: decimal `[1-9][0-9]*` with optional `L`, hex `0x…`, octal `0[0-7]*` (so `0` is octal and
 *   `09` is two numbers), floats `1.`, `.5`, `1.5E-3`, `5E10`; at each point the longest token wins;
 * - string literals are single-quoted with `''` for a quote and may span lines.
 */

export type TokenKind = 'id' | 'keyword' | 'string' | 'decimal' | 'hex' | 'octal' | 'float' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written; keywords are upper-cased, string literals are decoded. */
  readonly text: string;
  /** Offset of the first character in the selector text. */
  readonly pos: number;
  readonly end: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'NOT',
  'AND',
  'OR',
  'BETWEEN',
  'LIKE',
  'ESCAPE',
  'IN',
  'IS',
  'TRUE',
  'FALSE',
  'NULL',
  'XPATH',
  'XQUERY',
]);

const OPERATORS = ['<>', '>=', '<=', '=', '>', '<', '(', ')', ',', '+', '-', '*', '/', '%'];

/** Thrown by the lexer; the parser turns it into an ERR_SELECTOR_INVALID with the selector text. */
export class LexicalError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isIdStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || isDigit(c);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const len = text.length;
  while (true) {
    i = skipSpaceAndComments(text, i);
    if (i >= len) break;
    const c = text.charCodeAt(i);
    if (c === 0x27) {
      tokens.push(readString(text, i));
    } else if (isDigit(c) || (c === 0x2e && isDigit(text.charCodeAt(i + 1)))) {
      tokens.push(readNumber(text, i));
    } else if (isIdStart(c)) {
      let j = i + 1;
      while (j < len && isIdPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const upper = word.toUpperCase();
      tokens.push(
        KEYWORDS.has(upper)
          ? { kind: 'keyword', text: upper, pos: i, end: j }
          : { kind: 'id', text: word, pos: i, end: j },
      );
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) {
        throw new LexicalError(`unexpected character ${describeChar(text, i)}`, i);
      }
      tokens.push({ kind: 'op', text: op, pos: i, end: i + op.length });
    }
    i = tokens[tokens.length - 1]!.end;
  }
  tokens.push({ kind: 'eof', text: '', pos: len, end: len });
  return tokens;
}

function describeChar(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  const shown = cp >= 0x20 && cp !== 0x7f ? `'${String.fromCodePoint(cp)}' ` : '';
  return `${shown}(U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

function skipSpaceAndComments(text: string, i: number): number {
  const len = text.length;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 0x2d && text.charCodeAt(i + 1) === 0x2d) {
      let j = i + 2;
      while (j < len && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
      if (j >= len) return i; // no line break: not a comment (ActiveMQ's LINE_COMMENT needs one)
      i = text.charCodeAt(j) === 0x0d && text.charCodeAt(j + 1) === 0x0a ? j + 2 : j + 1;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return i; // unterminated: `/` and `*` are then read as operators, as in ActiveMQ
      i = close + 2;
    } else {
      return i;
    }
  }
  return i;
}

function readString(text: string, start: number): Token {
  let out = '';
  let i = start + 1;
  while (true) {
    const q = text.indexOf("'", i);
    if (q < 0) throw new LexicalError('unterminated string literal', start);
    out += text.slice(i, q);
    if (text.charCodeAt(q + 1) === 0x27) {
      out += "'";
      i = q + 2;
    } else {
      return { kind: 'string', text: out, pos: start, end: q + 1 };
    }
  }
}

function digitsFrom(text: string, i: number, test: (c: number) => boolean): number {
  while (i < text.length && test(text.charCodeAt(i))) i++;
  return i;
}

/** The end of an exponent `E[+-]digits` at `i`, or `i` when there is none. */
function exponentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c !== 0x45 && c !== 0x65) return i;
  let j = i + 1;
  const s = text.charCodeAt(j);
  if (s === 0x2b || s === 0x2d) j++;
  const k = digitsFrom(text, j, isDigit);
  return k > j ? k : i;
}

/** Longest match among the DECIMAL, HEX, OCTAL and FLOATING_POINT token rules, in that order on a tie. */
function readNumber(text: string, i: number): Token {
  const candidates: [TokenKind, number][] = [];
  const c = text.charCodeAt(i);
  if (c >= 0x31 && c <= 0x39) {
    let j = digitsFrom(text, i, isDigit);
    const l = text.charCodeAt(j);
    if (l === 0x4c || l === 0x6c) j++;
    candidates.push(['decimal', j]);
  }
  if (c === 0x30) {
    const x = text.charCodeAt(i + 1);
    if (x === 0x78 || x === 0x58) {
      const j = digitsFrom(text, i + 2, isHexDigit);
      if (j > i + 2) candidates.push(['hex', j]);
    }
    candidates.push(['octal', digitsFrom(text, i + 1, (d) => d >= 0x30 && d <= 0x37)]);
  }
  const intEnd = digitsFrom(text, i, isDigit);
  if (text.charCodeAt(intEnd) === 0x2e) {
    const fracEnd = digitsFrom(text, intEnd + 1, isDigit);
    // `.5` needs a digit after the point; `5.` does not.
    if (intEnd > i || fracEnd > intEnd + 1) candidates.push(['float', exponentEnd(text, fracEnd)]);
  } else if (intEnd > i) {
    const e = exponentEnd(text, intEnd);
    if (e > intEnd) candidates.push(['float', e]);
  }
  let best = candidates[0]!;
  for (const cand of candidates) if (cand[1] > best[1]) best = cand;
  return { kind: best[0], text: text.slice(i, best[1]), pos: i, end: best[1] };
}
