import type { Message } from '../../model/message.js';

/**
 * How a message becomes the bytes of ACTIVEMQ_MSGS.MSG and back. ActiveMQ writes there the OpenWire marshalling
 * of the message (OpenWireFormat at the store version, loose encoding, size prefix); TideMQ must write the same
 * bytes so that ActiveMQ can read a database TideMQ wrote. The store layer does not know OpenWire, so the server
 * passes the format in (src/protocol/openwire/jdbc-message-format.ts), as it passes the journal its property
 * decoder.
 */
export interface JdbcMessageFormat {
  encode(message: Message): Uint8Array;
  /** Throws on bytes that are not a message; the store reports which row. */
  decode(bytes: Uint8Array): Message;
}
