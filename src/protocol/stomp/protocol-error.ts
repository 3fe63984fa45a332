/**
 * A STOMP-level failure found by the converter (a frame that is well formed but wrong: a missing header, an
 * unknown transaction, an ACK for nothing). The texts are ActiveMQ's ProtocolConverter texts where it has one.
 * The connection answers with an ERROR frame and closes ([STOMP 1.2] "the server MUST then close the
 * connection" after an ERROR).
 */
export class StompProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StompProtocolError';
  }
}
