/** The STOMP versions this codec speaks; they differ only in header escaping and EOL handling. */
export type StompVersion = '1.0' | '1.1' | '1.2';

export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.2', '1.1', '1.0'];

/**
 * One decoded frame. Headers keep the first occurrence of a repeated name ([STOMP 1.2] "only the first
 * header entry SHOULD be used"), which is also what ActiveMQ's StompWireFormat.parseHeaders does.
 */
export interface StompFrame {
  readonly command: string;
  readonly headers: Map<string, string>;
  /** The body bytes; empty when the frame had none. May share memory with the chunk it was read from. */
  readonly body: Buffer;
}

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** Commands whose headers are never escaped ([STOMP 1.2] "CONNECT and CONNECTED frames do not escape"). */
export function isUnescapedCommand(command: string): boolean {
  return command === 'CONNECT' || command === 'CONNECTED' || command === 'STOMP';
}
