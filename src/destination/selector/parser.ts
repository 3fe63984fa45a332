import { PropertyType } from '../../model/properties.js';
import { BrokerError } from '../../util/errors.js';
import { isBooleanNode, isConstant, type BooleanNode, type CmpOp, type Node } from './ast.js';
import { LexicalError, tokenize, type Token } from './lexer.js';
import { BIG_DECIMAL, type ArithOp, type Val } from './values.js';

/**
 * Longest selector text accepted. ActiveMQ sets none; a bound keeps a hostile consumer from making the
 * broker tokenize megabytes, while leaving room for long generated `IN (…)` lists.
 */
export const SELECTOR_MAX_LENGTH = 65_536;

/**
 * Deepest nesting accepted: parentheses, prefix operators and chains such as `a + b + c …` all count.
 * The parser, the compiler and the evaluator all recurse on it, so it must stay well below the stack.
 */
export const SELECTOR_MAX_DEPTH = 128;

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n;

/** ActiveMQ's built-in selector functions (BuiltinFunctionRegistry). */
const ACTIVEMQ_FUNCTIONS = new Set(['INLIST', 'MAKELIST', 'REGEX', 'REPLACE', 'SPLIT']);

/**
 * Parses selector text into a tree, applying the grammar of ActiveMQ's SelectorParser.jj and the checks
 * its expression factories make while parsing (ComparisonExpression.checkLessThanOperand,
 * checkEqualOperand, checkEqualOperandCompatability, createInFilter, createLike and
 * SelectorParser.asBooleanExpression). Throws BrokerError('ERR_SELECTOR_INVALID').
 */
export function parseTree(text: string): BooleanNode {
  if (text.length > SELECTOR_MAX_LENGTH) {
    throw new BrokerError(
      'ERR_SELECTOR_INVALID',
      `Invalid selector ${quoteExcerpt(text, SELECTOR_MAX_LENGTH)}: the selector is ${text.length} characters long, ` +
        `more than the limit of ${SELECTOR_MAX_LENGTH}`,
    );
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (e instanceof LexicalError) throw selectorError(text, e.pos, `lexical error: ${e.message}`);
    throw e;
  }
  return new Parser(text, tokens).selector();
}

/** The error ActiveMQ raises as InvalidSelectorException, pointing at the offending place. */
export function selectorError(text: string, pos: number, detail: string): BrokerError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = pos - lineStart + 1;
  return new BrokerError(
    'ERR_SELECTOR_INVALID',
    `Invalid selector ${quoteExcerpt(text, pos)} at line ${line}, column ${column}: ${detail}`,
  );
}

/** The selector, quoted; a long one is cut to the part around `pos` so the message stays readable. */
function quoteExcerpt(text: string, pos: number): string {
  if (text.length <= 200) return JSON.stringify(text);
  const from = Math.max(0, Math.min(pos - 80, text.length - 160));
  const to = Math.min(text.length, from + 160);
  return `${from > 0 ? '…' : ''}${JSON.stringify(text.slice(from, to))}${to < text.length ? '…' : ''}`;
}

function describeToken(t: Token, text: string): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the selector';
    case 'keyword':
      return `keyword ${t.text}`;
    case 'id':
      return `identifier ${t.text}`;
    case 'string':
      return `string ${text.slice(t.pos, t.end)}`;
    case 'op':
      return `'${t.text}'`;
    default:
      return `number ${t.text}`;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A node before its depth is known (Omit applied to each member of the union). */
type NodeInit = Node extends infer U ? (U extends Node ? Omit<U, 'depth'> : never) : never;

class Parser {
  private i = 0;
  private nesting = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  selector(): BooleanNode {
    const e = this.orExpr();
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t, 'an operator or the end of the selector');
    return this.asBoolean(e);
  }

  // --- token helpers -----------------------------------------------------------------------------------

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private lastEnd(): number {
    return this.tokens[this.i - 1]?.end ?? 0;
  }

  private fail(pos: number, detail: string): never {
    throw selectorError(this.text, pos, detail);
  }

  private unexpected(t: Token, expected: string): never {
    this.fail(t.pos, `encountered ${describeToken(t, this.text)} where ${expected} was expected`);
  }

  private expectOp(op: string, what: string): Token {
    const t = this.next();
    if (!isOp(t, op)) this.unexpected(t, what);
    return t;
  }

  private expectString(what: string): Token {
    const t = this.next();
    if (t.kind !== 'string') this.unexpected(t, what);
    return t;
  }

  private snippet(node: Node): string {
    return this.text.slice(node.pos, node.end);
  }

  // --- node construction -------------------------------------------------------------------------------

  private make<I extends NodeInit>(node: I, ...children: Node[]): I & { depth: number } {
    let depth = 0;
    for (const c of children) if (c.depth > depth) depth = c.depth;
    depth += 1;
    if (depth > SELECTOR_MAX_DEPTH) {
      this.fail(node.pos, `the expression nests deeper than the limit of ${SELECTOR_MAX_DEPTH} levels`);
    }
    return { ...node, depth };
  }

  /** Recursion through parentheses and prefix operators, bounded so `((((…` cannot exhaust the stack. */
  private nested<T>(pos: number, parse: () => T): T {
    if (++this.nesting > SELECTOR_MAX_DEPTH) {
      this.fail(pos, `the expression nests deeper than the limit of ${SELECTOR_MAX_DEPTH} levels`);
    }
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /** SelectorParser.asBooleanExpression: a condition, or a property read as a boolean. */
  private asBoolean(node: Node): BooleanNode {
    if (isBooleanNode(node)) return node;
    if (node.kind === 'prop') {
      return this.make({ kind: 'boolCast', operand: node, pos: node.pos, end: node.end }, node);
    }
    return this.fail(node.pos, `expression ${this.snippet(node)} will not result in a boolean value`);
  }

  /** LogicExpression.createOR/createAND: a chain of the same operator becomes one n-ary node. */
  private logic(kind: 'and' | 'or', left: BooleanNode, right: BooleanNode): BooleanNode {
    if (left.kind === kind) {
      const node = left as Mutable<typeof left>;
      (node.items as Node[]).push(right);
      node.end = right.end;
      if (right.depth + 1 > node.depth) {
        if (right.depth + 1 > SELECTOR_MAX_DEPTH) {
          this.fail(right.pos, `the expression nests deeper than the limit of ${SELECTOR_MAX_DEPTH} levels`);
        }
        node.depth = right.depth + 1;
      }
      return left;
    }
    return this.make({ kind, items: [left, right], pos: left.pos, end: right.end }, left, right);
  }

  private not(operand: BooleanNode, pos: number): BooleanNode {
    return this.make({ kind: 'not', operand, pos, end: operand.end }, operand);
  }

  // --- grammar -----------------------------------------------------------------------------------------

  private orExpr(): Node {
    let left = this.andExpr();
    while (isKeyword(this.peek(), 'OR')) {
      this.next();
      const right = this.andExpr();
      left = this.logic('or', this.asBoolean(left), this.asBoolean(right));
    }
    return left;
  }

  private andExpr(): Node {
    let left = this.equalityExpr();
    while (isKeyword(this.peek(), 'AND')) {
      this.next();
      const right = this.equalityExpr();
      left = this.logic('and', this.asBoolean(left), this.asBoolean(right));
    }
    return left;
  }

  private equalityExpr(): Node {
    let left = this.comparisonExpr();
    while (true) {
      const t = this.peek();
      if (isOp(t, '=') || isOp(t, '<>')) {
        this.next();
        const right = this.comparisonExpr();
        this.checkEqualOperand(left);
        this.checkEqualOperand(right);
        this.checkEqualCompatibility(left, right);
        const eq = this.make({ kind: 'eq', left, right, pos: left.pos, end: right.end }, left, right);
        left = t.text === '=' ? eq : this.not(eq, left.pos);
      } else if (isKeyword(t, 'IS')) {
        this.next();
        const negated = isKeyword(this.peek(), 'NOT');
        if (negated) this.next();
        const n = this.next();
        if (!isKeyword(n, 'NULL')) this.unexpected(n, negated ? 'NULL' : 'NULL or NOT NULL');
        const isNull = this.make({ kind: 'isNull', operand: left, pos: left.pos, end: n.end }, left);
        left = negated ? this.not(isNull, left.pos) : isNull;
      } else {
        return left;
      }
    }
  }

  private comparisonExpr(): Node {
    let left = this.addExpr();
    while (true) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '<' || t.text === '<=' || t.text === '>' || t.text === '>=')) {
        this.next();
        const right = this.addExpr();
        left = this.compare(t.text, left, right);
        continue;
      }
      let negated = false;
      let word = t;
      if (isKeyword(t, 'NOT')) {
        const after = this.peek(1);
        if (!isKeyword(after, 'LIKE') && !isKeyword(after, 'BETWEEN') && !isKeyword(after, 'IN')) return left;
        negated = true;
        word = after;
        this.next();
      }
      if (isKeyword(word, 'LIKE')) {
        this.next();
        left = this.like(left, negated);
      } else if (isKeyword(word, 'BETWEEN')) {
        this.next();
        left = this.between(left, negated);
      } else if (isKeyword(word, 'IN')) {
        this.next();
        left = this.inList(left, negated);
      } else {
        return left;
      }
    }
  }

  private compare(op: CmpOp, left: Node, right: Node): BooleanNode {
    this.checkLessThanOperand(left);
    this.checkLessThanOperand(right);
    return this.make({ kind: 'cmp', op, left, right, pos: left.pos, end: right.end }, left, right);
  }

  private like(operand: Node, negated: boolean): BooleanNode {
    const pattern = this.expectString('a quoted LIKE pattern');
    let escape: string | null = null;
    if (isKeyword(this.peek(), 'ESCAPE')) {
      this.next();
      const e = this.expectString('a quoted ESCAPE character');
      // ComparisonExpression.createLike: the escape must be exactly one (UTF-16) character.
      if (e.text.length !== 1) {
        this.fail(e.pos, `the ESCAPE string must be exactly one character, not ${this.text.slice(e.pos, e.end)}`);
      }
      escape = e.text;
    }
    const node = this.make(
      { kind: 'like', operand, pattern: pattern.text, escape, pos: operand.pos, end: this.lastEnd() },
      operand,
    );
    return negated ? this.not(node, operand.pos) : node;
  }

  /** ComparisonExpression.createBetween is `v >= low AND v <= high`; NOT BETWEEN is `v < low OR v > high`. */
  private between(value: Node, negated: boolean): BooleanNode {
    const low = this.addExpr();
    const and = this.next();
    if (!isKeyword(and, 'AND')) this.unexpected(and, 'AND');
    const high = this.addExpr();
    return negated
      ? this.logic('or', this.compare('<', value, low), this.compare('>', value, high))
      : this.logic('and', this.compare('>=', value, low), this.compare('<=', value, high));
  }

  /** ComparisonExpression.createInFilter: a property on the left, a list of string literals on the right. */
  private inList(operand: Node, negated: boolean): BooleanNode {
    if (operand.kind !== 'prop') {
      this.fail(operand.pos, `IN needs a property on its left, not ${this.snippet(operand)}`);
    }
    this.expectOp('(', "'(' to open the IN list");
    const values: string[] = [this.expectString('a quoted string (IN lists hold string literals only)').text];
    while (isOp(this.peek(), ',')) {
      this.next();
      values.push(this.expectString('a quoted string (IN lists hold string literals only)').text);
    }
    this.expectOp(')', "',' or ')'");
    return this.make({ kind: 'in', operand, values, negated, pos: operand.pos, end: this.lastEnd() }, operand);
  }

  private addExpr(): Node {
    let left = this.multExpr();
    while (isOp(this.peek(), '+') || isOp(this.peek(), '-')) {
      const op = this.next().text as ArithOp;
      const right = this.multExpr();
      left = this.make({ kind: 'arith', op, left, right, pos: left.pos, end: right.end }, left, right);
    }
    return left;
  }

  private multExpr(): Node {
    let left = this.unaryExpr();
    while (isOp(this.peek(), '*') || isOp(this.peek(), '/') || isOp(this.peek(), '%')) {
      const op = this.next().text as ArithOp;
      const right = this.unaryExpr();
      left = this.make({ kind: 'arith', op, left, right, pos: left.pos, end: right.end }, left, right);
    }
    return left;
  }

  /**
   * Prefix operators bind tighter than everything else, NOT included: in ActiveMQ `NOT a = 1` is
   * `(NOT a) = 1` and `NOT a IN ('x')` is refused, unlike SQL-92.
   */
  private unaryExpr(): Node {
    const t = this.peek();
    if (isOp(t, '+')) {
      this.next();
      return this.nested(t.pos, () => this.unaryExpr());
    }
    if (isOp(t, '-')) {
      this.next();
      const operand = this.nested(t.pos, () => this.unaryExpr());
      return this.make({ kind: 'neg', operand, pos: t.pos, end: operand.end }, operand);
    }
    if (isKeyword(t, 'NOT')) {
      this.next();
      const operand = this.nested(t.pos, () => this.unaryExpr());
      return this.not(this.asBoolean(operand), t.pos);
    }
    if (isKeyword(t, 'XPATH') || isKeyword(t, 'XQUERY')) {
      this.fail(t.pos, `${t.text} selectors are an ActiveMQ extension that TideMQ does not support`);
    }
    if (t.kind === 'id' && isOp(this.peek(1), '(')) {
      const name = t.text.toUpperCase();
      this.fail(
        t.pos,
        ACTIVEMQ_FUNCTIONS.has(name)
          ? `the ActiveMQ selector function ${name}() is an extension that TideMQ does not support`
          : `unknown function ${t.text}()`,
      );
    }
    return this.primaryExpr();
  }

  private primaryExpr(): Node {
    const t = this.next();
    const at = { pos: t.pos, end: t.end };
    switch (t.kind) {
      case 'string':
        return this.make({ kind: 'string', value: t.text, ...at });
      case 'decimal':
      case 'hex':
      case 'octal':
      case 'float':
        return this.make({ kind: 'number', value: this.numberValue(t), text: t.text, ...at });
      case 'id':
        return this.make({ kind: 'prop', name: t.text, ...at });
      case 'keyword':
        if (t.text === 'TRUE' || t.text === 'FALSE')
          return this.make({ kind: 'bool', value: t.text === 'TRUE', ...at });
        if (t.text === 'NULL') return this.make({ kind: 'null', ...at });
        break;
      case 'op':
        if (t.text === '(') {
          const inner = this.nested(t.pos, () => this.orExpr());
          this.expectOp(')', "')'");
          return inner;
        }
        break;
      default:
        break;
    }
    return this.unexpected(t, 'a value, a property name or (');
  }

  /** ConstantExpression.createFromDecimal / createFromHex / createFromOctal / createFloat. */
  private numberValue(t: Token): Val {
    if (t.kind === 'float') return { type: PropertyType.Double, value: Number(t.text) };
    let v: bigint;
    if (t.kind === 'decimal') {
      v = BigInt(t.text.replace(/[lL]$/, ''));
      // Too big for a long: ActiveMQ keeps a BigDecimal (only `-9223372036854775808` is of any use).
      if (v > LONG_MAX) return { type: BIG_DECIMAL, value: v };
    } else {
      v = t.kind === 'hex' ? BigInt(`0x${t.text.slice(2)}`) : BigInt(`0o${t.text.slice(1) || '0'}`);
      // Long.parseLong fails on these, so ActiveMQ refuses the selector.
      if (v > LONG_MAX) this.fail(t.pos, `the number ${t.text} does not fit in a long`);
    }
    return v >= INT_MIN && v <= INT_MAX
      ? { type: PropertyType.Int, value: Number(v) }
      : { type: PropertyType.Long, value: v };
  }

  // --- ActiveMQ's parse-time checks --------------------------------------------------------------------

  /** ComparisonExpression.checkLessThanOperand: <, <=, >, >= and BETWEEN take no string, boolean or NULL literal. */
  private checkLessThanOperand(node: Node): void {
    if (isConstant(node)) {
      if (node.kind !== 'number') {
        this.fail(node.pos, `value ${this.snippet(node)} cannot be compared with <, <=, >, >= or BETWEEN`);
      }
    } else if (isBooleanNode(node)) {
      this.fail(node.pos, `the condition ${this.snippet(node)} cannot be compared with <, <=, >, >= or BETWEEN`);
    }
  }

  /** ComparisonExpression.checkEqualOperand: NULL cannot be an operand of = or <>. */
  private checkEqualOperand(node: Node): void {
    if (node.kind === 'null') {
      this.fail(node.pos, 'NULL cannot be compared with = or <> (use IS NULL or IS NOT NULL)');
    }
  }

  /** ComparisonExpression.checkEqualOperandCompatability: `TRUE = 1` is refused, `1 = TRUE` is not. */
  private checkEqualCompatibility(left: Node, right: Node): void {
    if (isConstant(left) && isConstant(right) && left.kind === 'bool' && right.kind !== 'bool') {
      this.fail(left.pos, `${this.snippet(left)} cannot be compared with ${this.snippet(right)}`);
    }
  }
}

function isOp(t: Token, op: string): boolean {
  return t.kind === 'op' && t.text === op;
}

function isKeyword(t: Token, word: string): boolean {
  return t.kind === 'keyword' && t.text === word;
}
