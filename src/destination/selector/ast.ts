import type { Val, ArithOp } from './values.js';

/**
 * The parsed selector. Node kinds follow ActiveMQ's expression classes so its parse-time checks can be
 * applied the same way: `<>` is NOT(=), NOT BETWEEN is `< OR >`, IS NOT NULL is NOT(IS NULL), and a
 * bare property used as a condition is wrapped in a boolean cast (UnaryExpression.createBooleanCast).
 * `pos`/`end` delimit the node's text, for error messages; `depth` bounds recursion.
 */
interface Base {
  readonly pos: number;
  /** Offset just past the node's last token. */
  readonly end: number;
  readonly depth: number;
}

export interface NullNode extends Base {
  readonly kind: 'null';
}
export interface BoolNode extends Base {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface NumberNode extends Base {
  readonly kind: 'number';
  readonly value: Val;
  readonly text: string;
}
export interface StringNode extends Base {
  readonly kind: 'string';
  readonly value: string;
}
export interface PropNode extends Base {
  readonly kind: 'prop';
  readonly name: string;
}
export interface LogicNode extends Base {
  readonly kind: 'and' | 'or';
  readonly items: readonly Node[];
}
export interface NotNode extends Base {
  readonly kind: 'not';
  readonly operand: Node;
}
export interface EqNode extends Base {
  readonly kind: 'eq';
  readonly left: Node;
  readonly right: Node;
}
export type CmpOp = '<' | '<=' | '>' | '>=';
export interface CmpNode extends Base {
  readonly kind: 'cmp';
  readonly op: CmpOp;
  readonly left: Node;
  readonly right: Node;
}
export interface LikeNode extends Base {
  readonly kind: 'like';
  readonly operand: Node;
  readonly pattern: string;
  readonly escape: string | null;
}
export interface InNode extends Base {
  readonly kind: 'in';
  readonly operand: PropNode;
  readonly values: readonly string[];
  readonly negated: boolean;
}
export interface IsNullNode extends Base {
  readonly kind: 'isNull';
  readonly operand: Node;
}
export interface BoolCastNode extends Base {
  readonly kind: 'boolCast';
  readonly operand: PropNode;
}
export interface ArithNode extends Base {
  readonly kind: 'arith';
  readonly op: ArithOp;
  readonly left: Node;
  readonly right: Node;
}
export interface NegNode extends Base {
  readonly kind: 'neg';
  readonly operand: Node;
}

export type Node =
  | NullNode
  | BoolNode
  | NumberNode
  | StringNode
  | PropNode
  | LogicNode
  | NotNode
  | EqNode
  | CmpNode
  | LikeNode
  | InNode
  | IsNullNode
  | BoolCastNode
  | ArithNode
  | NegNode;

/** Nodes ActiveMQ models as a BooleanExpression (NULL, TRUE and FALSE literals included). */
export type BooleanNode =
  NullNode | BoolNode | LogicNode | NotNode | EqNode | CmpNode | LikeNode | InNode | IsNullNode | BoolCastNode;

export function isBooleanNode(node: Node): node is BooleanNode {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'prop':
    case 'arith':
    case 'neg':
      return false;
    default:
      return true;
  }
}

/** Nodes ActiveMQ models as a ConstantExpression (literals; a negated literal is not one). */
export function isConstant(node: Node): node is NullNode | BoolNode | NumberNode | StringNode {
  return node.kind === 'null' || node.kind === 'bool' || node.kind === 'number' || node.kind === 'string';
}
