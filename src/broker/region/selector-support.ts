import type { Message } from '../../model/message.js';

/** A compiled JMS selector as the core needs it; the parser lives in destination/selector. */
export interface MessageSelector {
  readonly text: string;
  matches(message: Message, deliveryCount?: number): boolean;
}

/** Compiles selector text; throws BrokerError ERR_SELECTOR_INVALID for a bad one. Null text means none. */
export type SelectorCompiler = (text: string) => MessageSelector | null;
