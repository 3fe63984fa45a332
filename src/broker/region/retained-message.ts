import type { Message } from '../../model/message.js';
import { PropertyType } from '../../model/properties.js';

/** RetainedMessageSubscriptionRecoveryPolicy.RETAIN_PROPERTY / RETAINED_PROPERTY. */
const RETAIN_PROPERTY = 'ActiveMQ.Retain';
const RETAINED_PROPERTY = 'ActiveMQ.Retained';
const RETAIN_NAME = Buffer.from(RETAIN_PROPERTY, 'utf8');

/**
 * A topic's retained message. ActiveMQ gives every Topic a RetainedMessageSubscriptionRecoveryPolicy, which keeps
 * the last message sent with the ActiveMQ.Retain property (MQTT's retain flag) and a non-empty body (an empty one
 * clears it), as a copy marked ActiveMQ.Retained, and gives it to each new retroactive subscriber. In memory only,
 * as in ActiveMQ.
 */
export class RetainedMessage {
  private message: Message | null = null;

  /** Looks at a message sent to the topic. */
  add(message: Message): void {
    if (!message.hasProperties) return;
    // Encoded properties (OpenWire) are searched for the name before anything is decoded: most messages on a
    // topic pass here and very few carry it.
    const encoded = message.encodedProperties;
    if (encoded !== null) {
      // The codec hands out Buffers: searched as they are, a view made only for a plain Uint8Array.
      const bytes = Buffer.isBuffer(encoded)
        ? encoded
        : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
      if (!bytes.includes(RETAIN_NAME)) return;
    }
    const flag = message.properties.get(RETAIN_PROPERTY);
    if (flag === undefined || flag.value !== true) return;
    if (message.body === null || message.body.length === 0) {
      this.message = null;
      return;
    }
    const copy = message.copy();
    const props = new Map(message.properties);
    props.delete(RETAIN_PROPERTY);
    props.set(RETAINED_PROPERTY, { type: PropertyType.Boolean, value: true });
    copy.properties = props;
    copy.origin = null;
    // Held in memory only, so its acknowledgement must not touch the store.
    copy.persistent = false;
    this.message = copy;
  }

  /** The message a new retroactive subscriber gets, if any (an expired one is dropped by its dispatch). */
  get current(): Message | null {
    return this.message;
  }
}
