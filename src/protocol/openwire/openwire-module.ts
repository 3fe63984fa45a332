import type { ProtocolModule } from '../protocol.js';
import { OpenWireConnection } from './openwire-connection.js';

const MAGIC = [0x41, 0x63, 0x74, 0x69, 0x76, 0x65, 0x4d, 0x51]; // "ActiveMQ"

/**
 * Recognises OpenWire from its first frame, a WireFormatInfo: a 4-byte size, the type byte 1, then the
 * magic `ActiveMQ` (what ActiveMQ's OpenWireProtocolVerifier checks for auto://).
 */
export function detectOpenWire(head: Uint8Array): boolean | undefined {
  const need = 4 + 1 + MAGIC.length;
  for (let i = 0; i < Math.min(head.length, need); i++) {
    const expected = i < 4 ? undefined : i === 4 ? 1 : MAGIC[i - 5];
    if (expected !== undefined && head[i] !== expected) return false;
  }
  return head.length >= need ? true : undefined;
}

export const openWireProtocol: ProtocolModule = {
  name: 'openwire',
  scheme: 'tcp',
  webSocketSubprotocols: [],
  detect: detectOpenWire,
  accept: (transport, context) => new OpenWireConnection(transport, context),
};
