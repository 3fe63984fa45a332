/** Shared by the selector tests only: messages shaped like the ones ActiveMQ's selector tests build. */
import { Message } from '../../../../src/model/message.js';
import { Destination } from '../../../../src/model/destination.js';
import { typed, type TypedValue } from '../../../../src/model/properties.js';
import { parseSelector, type CompiledSelector } from '../../../../src/destination/selector/selector.js';

export function message(props: Record<string, TypedValue> = {}, init: Partial<Message> = {}): Message {
  const m = new Message();
  m.destination = Destination.topic('FOO.BAR');
  Object.assign(m, init);
  m.properties = new Map(Object.entries(props));
  return m;
}

/** ActiveMQ's SelectorTest.createMessage(), property for property. */
export function activemqTestMessage(): Message {
  return message(
    {
      name: typed.string('James'),
      location: typed.string('London'),
      byteProp: typed.byte(123),
      byteProp2: typed.byte(33),
      shortProp: typed.short(123),
      intProp: typed.int(123),
      longProp: typed.long(123n),
      floatProp: typed.float(123),
      doubleProp: typed.double(123),
      rank: typed.int(123),
      version: typed.int(2),
      quote: typed.string("'In God We Trust'"),
      foo: typed.string('_foo'),
      punctuation: typed.string('!#$&()*+,-./:;<=>?@[\\]^`{|}~'),
      endingUnderScore: typed.string('XD7xlJIQn_'),
      trueProp: typed.boolean(true),
      falseProp: typed.boolean(false),
    },
    { type: 'selector-test', messageId: 'connection:1:1:1:1' },
  );
}

/** The three-valued answer of `text` for `m`. */
export function evaluate(text: string, m: Message, deliveryCount?: number): boolean | null {
  return (parseSelector(text) as CompiledSelector).evaluate(m, deliveryCount);
}
