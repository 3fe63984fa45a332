import type { ProtocolConnection, ProtocolContext, ProtocolModule } from './protocol.js';
import type { Transport } from '../transport/transport.js';
import { WebSocketTransport } from '../transport/ws/websocket-transport.js';
import { ConnectionGuard } from '../transport/connection-guard.js';

/**
 * The protocol behind a ws:// or wss:// connector: one module per subprotocol family, chosen by what the
 * handshake agreed. `fallback` serves clients that offered no subprotocol (STOMP, as in ActiveMQ).
 */
export function webSocketProtocol(modules: readonly ProtocolModule[], fallback: ProtocolModule): ProtocolModule {
  const subprotocols = modules.flatMap((m) => m.webSocketSubprotocols);
  const byName = new Map<string, ProtocolModule>();
  for (const m of modules) for (const s of m.webSocketSubprotocols) if (!byName.has(s)) byName.set(s, m);
  return {
    name: fallback.name,
    scheme: 'ws',
    webSocketSubprotocols: subprotocols,
    detect: () => false,
    accept(transport: Transport, context: ProtocolContext): ProtocolConnection {
      // The connector hands over its ConnectionGuard; the WebSocket transport is the one it guards.
      const ws = transport instanceof ConnectionGuard ? transport.guarded : transport;
      const agreed = ws instanceof WebSocketTransport ? ws.subprotocol : '';
      const module = agreed === '' ? fallback : byName.get(agreed);
      if (module === undefined) throw new Error(`No protocol serves the WebSocket subprotocol '${agreed}'`);
      if (module.webSocketBinary === true && ws instanceof WebSocketTransport) ws.binaryFrames = true;
      return module.accept(transport, context);
    },
  };
}
