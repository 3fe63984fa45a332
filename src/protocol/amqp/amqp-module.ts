import type { Transport } from '../../transport/transport.js';
import type { ProtocolConnection, ProtocolContext, ProtocolModule } from '../protocol.js';
import { AmqpConnection } from './connection.js';
import { amqpSettings } from './settings.js';

const AMQP = Buffer.from('AMQP');

/**
 * Recognises AMQP from a connection's first bytes: the protocol header starts with `AMQP` (ActiveMQ's
 * AmqpProtocolVerifier checks the same four bytes, whatever protocol id and version follow).
 */
export function detectAmqp(head: Uint8Array): boolean | undefined {
  const n = Math.min(head.length, AMQP.length);
  for (let i = 0; i < n; i++) if (head[i] !== AMQP[i]) return false;
  return head.length >= AMQP.length ? true : undefined;
}

/** The AMQP 1.0 protocol module. */
export const amqpProtocol: ProtocolModule = {
  name: 'amqp',
  scheme: 'amqp',
  // The subprotocol AMQP WebSocket clients offer (OASIS AMQP WebSocket Binding; ActiveMQ's AmqpWSServlet).
  webSocketSubprotocols: ['amqp'],
  detect: detectAmqp,
  accept(transport: Transport, context: ProtocolContext): ProtocolConnection {
    return new AmqpConnection(transport, context, amqpSettings(context.options));
  },
};
