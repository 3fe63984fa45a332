import type { Message } from '../../model/message.js';
import { compileCondition, type ConditionFn } from './compile.js';
import { parseTree } from './parser.js';
import { CONVERT_STRING_EXPRESSIONS_PREFIX } from './convert-strings.js';

/** A compiled JMS message selector. */
export interface Selector {
  readonly text: string;
  /**
   * True when the selector is TRUE for the message; FALSE and unknown both mean "not selected".
   * `deliveryCount` is JMSXDeliveryCount for this delivery (1 for the first); it defaults to the
   * message's redeliveryCounter + 1, which is how ActiveMQ computes it.
   */
  matches(message: Message, deliveryCount?: number): boolean;
}

/**
 * Parses and compiles a selector (ActiveMQ's SelectorParser.parse). Throws
 * BrokerError('ERR_SELECTOR_INVALID') — javax.jms.InvalidSelectorException on the wire — with a message
 * naming the selector, the offending token and its line and column. Like ActiveMQ's parser, blank text
 * is a syntax error here; use parseOptionalSelector where blank means "no selector".
 */
export function parseSelector(text: string): Selector {
  // ActiveMQ's STOMP converter prefixes every STOMP selector so its string headers compare as numbers.
  if (text.startsWith(CONVERT_STRING_EXPRESSIONS_PREFIX)) {
    const sql = text.slice(CONVERT_STRING_EXPRESSIONS_PREFIX.length);
    return new CompiledSelector(text, compileCondition(parseTree(sql), { convertStringExpressions: true }));
  }
  return new CompiledSelector(text, compileCondition(parseTree(text)));
}

/**
 * For a consumer's selector option: null, empty or blank text means no selector and gives null
 * (ActiveMQ's client drops a selector whose trim() is empty, and String.trim strips every character up
 * to U+0020), otherwise the compiled selector.
 */
export function parseOptionalSelector(text: string | null | undefined): Selector | null {
  return isBlankSelector(text) ? null : parseSelector(text as string);
}

export function isBlankSelector(text: string | null | undefined): boolean {
  if (text === null || text === undefined) return true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x20) return false;
  return true;
}

export class CompiledSelector implements Selector {
  constructor(
    readonly text: string,
    private readonly condition: ConditionFn,
  ) {}

  /**
   * A failure while evaluating (an operator applied to the wrong type, a property block that cannot be
   * decoded) means "not selected": ActiveMQ logs "Selector failed to evaluate" and skips the message.
   */
  matches(message: Message, deliveryCount: number = message.redeliveryCounter + 1): boolean {
    try {
      return this.condition(message, deliveryCount) === true;
    } catch {
      return false;
    }
  }

  /**
   * The three-valued result (true, false, or null for unknown), as ActiveMQ's BooleanExpression.evaluate;
   * throws SelectorEvaluationError where ActiveMQ's evaluator throws.
   */
  evaluate(message: Message, deliveryCount: number = message.redeliveryCounter + 1): boolean | null {
    return this.condition(message, deliveryCount);
  }

  toString(): string {
    return this.text;
  }
}
