import type { Transport } from '../../transport/transport.js';
import type { ProtocolConnection, ProtocolContext, ProtocolModule } from '../protocol.js';
import { StompConnection } from './connection.js';
import { stompSettings } from './settings.js';

const CONNECT = Buffer.from('CONNECT');
const STOMP = Buffer.from('STOMP');

/**
 * Recognises STOMP from a connection's first bytes: CONNECT or STOMP, after any heart-beat EOLs (ActiveMQ's
 * StompProtocolVerifier accepts the same two commands).
 */
export function detectStomp(head: Uint8Array): boolean | undefined {
  let i = 0;
  while (i < head.length && (head[i] === 0x0a || head[i] === 0x0d)) i++;
  const rest = head.subarray(i);
  if (rest.length === 0) return undefined;
  let undecided = false;
  for (const word of [CONNECT, STOMP]) {
    const n = Math.min(rest.length, word.length);
    if (Buffer.compare(Buffer.from(rest.buffer, rest.byteOffset, n), word.subarray(0, n)) !== 0) continue;
    if (rest.length >= word.length) return true;
    undecided = true;
  }
  return undecided ? undefined : false;
}

/** The STOMP 1.0/1.1/1.2 protocol module. */
export const stompProtocol: ProtocolModule = {
  name: 'stomp',
  scheme: 'stomp',
  // ActiveMQ's WSServlet ranks these in this order; plain `stomp` is its lowest.
  webSocketSubprotocols: ['v12.stomp', 'v11.stomp', 'v10.stomp', 'stomp'],
  detect: detectStomp,
  accept(transport: Transport, context: ProtocolContext): ProtocolConnection {
    return new StompConnection(transport, context, stompSettings(context.options));
  },
};
