import type { Message } from '../../model/message.js';
import { PropertyType } from '../../model/properties.js';
import type { BooleanNode, Node } from './ast.js';
import { headerAccessor, type ValueFn } from './headers.js';
import { compileLike } from './like.js';
import { convertStringTo, NOT_CONVERTIBLE } from './convert-strings.js';
import {
  arithmetic,
  compareValues,
  equalsValues,
  FALSE_VAL,
  INCOMPARABLE,
  isComparable,
  negate,
  SelectorEvaluationError,
  TRUE_VAL,
  typeName,
  type Val,
} from './values.js';

/** A compiled condition: true, false, or null for SQL's unknown. */
export type ConditionFn = (message: Message, deliveryCount: number) => boolean | null;

/**
 * Turns the tree into closures once, so a message is tested by plain calls with no tree walk, no
 * dispatch on node kind and no allocation. Each closure answers exactly as the ActiveMQ expression class
 * it stands for: `evaluate()` three-valued, the subscription matching when the answer is TRUE.
 */
export function compileCondition(node: BooleanNode, options: CompileOptions = {}): ConditionFn {
  const previous = convertStrings;
  convertStrings = options.convertStringExpressions === true;
  try {
    return compileNode(node);
  } finally {
    convertStrings = previous;
  }
}

export interface CompileOptions {
  /** The `convert_string_expressions:` mode ActiveMQ uses for STOMP selectors (see convert-strings.ts). */
  convertStringExpressions?: boolean;
}

/** Set while compiling one selector, like ActiveMQ's CONVERT_STRING_EXPRESSIONS thread-local. */
let convertStrings = false;

function compileNode(node: BooleanNode): ConditionFn {
  switch (node.kind) {
    case 'null':
      return () => null;
    case 'bool': {
      const v = node.value;
      return () => v;
    }
    case 'and':
    case 'or':
      return compileLogic(
        node.kind,
        node.items.map((n) => compileNode(n as BooleanNode)),
      );
    case 'not': {
      const f = compileNode(node.operand as BooleanNode);
      return (m, dc) => {
        const r = f(m, dc);
        return r === null ? null : !r;
      };
    }
    case 'eq': {
      const l = compileValue(node.left);
      const r = compileValue(node.right);
      if (convertStrings) {
        return (m, dc) => {
          let lv = l(m, dc);
          let rv = r(m, dc);
          if (lv !== null && rv !== null && lv.type !== rv.type) {
            lv = convertStringTo(lv, rv);
            rv = convertStringTo(rv, lv);
            if (lv === NOT_CONVERTIBLE || rv === NOT_CONVERTIBLE) return false;
          }
          return equalsValues(lv, rv);
        };
      }
      return (m, dc) => equalsValues(l(m, dc), r(m, dc));
    }
    case 'cmp': {
      const l = compileValue(node.left);
      const r = compileValue(node.right);
      const test = ORDER_TESTS[node.op];
      // ComparisonExpression.evaluate: the left side is cast to Comparable before anything else, and
      // either side unknown makes the comparison unknown; classes it cannot relate give FALSE.
      const convert = convertStrings;
      return (m, dc) => {
        let lv = l(m, dc);
        if (lv === null) return null;
        requireComparable(lv);
        let rv = r(m, dc);
        if (rv === null) return null;
        requireComparable(rv);
        if (convert && lv.type !== rv.type) {
          lv = convertStringTo(lv, rv);
          rv = convertStringTo(rv, lv);
          if (lv === NOT_CONVERTIBLE || rv === NOT_CONVERTIBLE) return false;
        }
        const c = compareValues(lv, rv);
        return c === INCOMPARABLE ? false : test(c);
      };
    }
    case 'like': {
      const v = compileValue(node.operand);
      const match = compileLike(node.pattern, node.escape);
      // LikeExpression: unknown stays unknown, anything but a String is FALSE.
      return (m, dc) => {
        const x = v(m, dc);
        if (x === null) return null;
        return x.type === PropertyType.String ? match(x.value as string) : false;
      };
    }
    case 'in': {
      const v = compileValue(node.operand);
      const set = new Set(node.values);
      const negated = node.negated;
      // UnaryExpression.createInExpression: a value that is not a String makes IN (and NOT IN) unknown.
      return (m, dc) => {
        const x = v(m, dc);
        if (x === null || x.type !== PropertyType.String) return null;
        return set.has(x.value as string) !== negated;
      };
    }
    case 'isNull': {
      const v = compileValue(node.operand);
      return (m, dc) => v(m, dc) === null;
    }
    case 'boolCast': {
      const v = compileValue(node.operand);
      // UnaryExpression.createBooleanCast: a property that holds anything but a Boolean is FALSE.
      return (m, dc) => {
        const x = v(m, dc);
        if (x === null) return null;
        return x.type === PropertyType.Boolean ? (x.value as boolean) : false;
      };
    }
  }
}

const ORDER_TESTS: Record<'<' | '<=' | '>' | '>=', (c: number) => boolean> = {
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

function requireComparable(v: Val): void {
  if (!isComparable(v.type)) {
    throw new SelectorEvaluationError(`class ${typeName(v.type)} cannot be cast to class java.lang.Comparable`);
  }
}

/**
 * LogicExpression's AND/OR over n operands, left to right: AND stops at the first FALSE and is unknown
 * if any operand was; OR stops at the first TRUE. Short and common shapes get a closure of their own.
 */
function compileLogic(kind: 'and' | 'or', fns: ConditionFn[]): ConditionFn {
  const stop = kind === 'or';
  if (fns.length === 2) {
    const [a, b] = fns as [ConditionFn, ConditionFn];
    return (m, dc) => {
      const x = a(m, dc);
      if (x === stop) return stop;
      const y = b(m, dc);
      if (y === stop) return stop;
      return x === null || y === null ? null : !stop;
    };
  }
  return (m, dc) => {
    let unknown = false;
    for (let i = 0; i < fns.length; i++) {
      const r = fns[i]!(m, dc);
      if (r === stop) return stop;
      if (r === null) unknown = true;
    }
    return unknown ? null : !stop;
  };
}

/** A value-producing closure; conditions used as values yield the shared Boolean constants. */
export function compileValue(node: Node): ValueFn {
  switch (node.kind) {
    case 'number': {
      const v = node.value;
      return () => v;
    }
    case 'string': {
      const v: Val = { type: PropertyType.String, value: node.value };
      return () => v;
    }
    case 'prop': {
      const header = headerAccessor(node.name);
      if (header !== undefined) return header;
      const name = node.name;
      return (m) => {
        if (!m.hasProperties) return null;
        const p = m.properties.get(name);
        return p === undefined || p.type === PropertyType.Null ? null : p;
      };
    }
    case 'arith': {
      const l = compileValue(node.left);
      const r = compileValue(node.right);
      const op = node.op;
      const out: Val = { type: PropertyType.Int, value: 0 };
      return (m, dc) => {
        const lv = l(m, dc);
        if (lv === null) return null;
        const rv = r(m, dc);
        if (rv === null) return null;
        return arithmetic(op, lv, rv, out);
      };
    }
    case 'neg': {
      const f = compileValue(node.operand);
      const out: Val = { type: PropertyType.Int, value: 0 };
      return (m, dc) => {
        const v = f(m, dc);
        return v === null ? null : negate(v, out);
      };
    }
    default: {
      const cond = compileCondition(node);
      return (m, dc) => {
        const r = cond(m, dc);
        return r === null ? null : r ? TRUE_VAL : FALSE_VAL;
      };
    }
  }
}
