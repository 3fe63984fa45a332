/**
 * Cuts an MQTT byte stream into whole control packets before anything is decoded, so the size of a packet is
 * known (and refused) from its fixed header, before its body is buffered. mqtt-packet's own parser keeps every
 * byte of a packet until it is complete; with this in front it is only ever given one whole packet.
 *
 * The remaining-length rules are MQTT's (3.1.1 §2.2.3, 5.0 §1.5.5): at most four bytes of 7-bit groups. The
 * texts are those of ActiveMQ's MQTTWireFormat / MQTTCodec.
 */
export class MqttFrameError extends Error {
  override readonly name = 'MqttFrameError';
}

export class FrameSplitter {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Total size of the packet being read (header + remaining length), or -1 while its header is incomplete. */
  private need = -1;

  constructor(
    /** Largest remaining length accepted (the connector's wireFormat.maxFrameSize). */
    private readonly maxFrameSize: number,
  ) {}

  /** True while part of a packet is held. */
  get idle(): boolean {
    return this.buffered === 0;
  }

  /** Feeds bytes; calls `onPacket` with each complete packet (header included). Throws MqttFrameError. */
  push(chunk: Buffer, onPacket: (packet: Buffer) => void): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        const head = this.peekHeader();
        if (head === null) return;
        this.need = head;
      }
      if (this.buffered < this.need) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      const packet = all.subarray(0, this.need);
      const rest = all.subarray(this.need);
      this.chunks.length = 0;
      this.buffered = rest.length;
      if (rest.length > 0) this.chunks.push(rest);
      this.need = -1;
      onPacket(packet);
    }
  }

  /** Header + remaining length of the packet at the front, null if its length bytes have not all arrived. */
  private peekHeader(): number | null {
    if (this.buffered === 0) return null;
    checkFirstByte(this.byteAt(0));
    let value = 0;
    let multiplier = 1;
    let offset = 1; // after the fixed header's first byte
    for (let i = 0; i < 4; i++) {
      const b = this.byteAt(offset + i);
      if (b < 0) return null;
      value += (b & 0x7f) * multiplier;
      multiplier *= 128;
      if ((b & 0x80) === 0) {
        offset += i + 1;
        if (value > this.maxFrameSize) throw new MqttFrameError('The maximum message length was exceeded');
        return offset + value;
      }
    }
    throw new MqttFrameError('Remaining length exceeds 4 bytes');
  }

  private byteAt(index: number): number {
    if (index >= this.buffered) return -1;
    let i = index;
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!;
      i -= c.length;
    }
    return -1;
  }
}

/**
 * The packet type and flags of a fixed header, checked before the rest of the packet is waited for: type 0 is
 * reserved, and PUBREL, SUBSCRIBE and UNSUBSCRIBE must carry flags 0010, every other type but PUBLISH 0000
 * ([MQTT-2.2.2-1], [MQTT-2.2.2-2]); PUBLISH may not have both QoS bits set ([MQTT-3.3.1-4]).
 */
function checkFirstByte(b: number): void {
  const type = b >> 4;
  const flags = b & 0x0f;
  if (type === 0) throw new MqttFrameError('Invalid packet type 0 (reserved)');
  if (type === 3) {
    if ((flags & 0x06) === 0x06) throw new MqttFrameError('Packet must not have both QoS bits set to 1');
    return;
  }
  const required = type === 6 || type === 8 || type === 10 ? 0x02 : 0x00;
  if (flags !== required) throw new MqttFrameError(`Invalid header flag bits for packet type ${type}`);
}

const MQTT = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]); // "MQTT"
const MQISDP = Buffer.from([0x00, 0x06, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70]); // "MQIsdp" (3.1)

/**
 * Recognises MQTT from a connection's first bytes, for auto://: a CONNECT fixed header (0x10), its remaining
 * length, then the protocol name "MQTT" or "MQIsdp" (ActiveMQ's MQTTProtocolVerifier looks at the same CONNECT
 * header). Undefined until enough bytes arrived to tell.
 */
export function detectMqtt(head: Uint8Array): boolean | undefined {
  if (head.length === 0) return undefined;
  if (head[0] !== 0x10) return false;
  let i = 1;
  for (; i < 5; i++) {
    if (i >= head.length) return undefined;
    if ((head[i]! & 0x80) === 0) break;
  }
  if (i === 5) return false;
  const rest = head.subarray(i + 1);
  let undecided = false;
  for (const name of [MQTT, MQISDP]) {
    const n = Math.min(rest.length, name.length);
    if (Buffer.compare(Buffer.from(rest.buffer, rest.byteOffset, n), name.subarray(0, n)) !== 0) continue;
    if (rest.length >= name.length) return true;
    undecided = true;
  }
  return undecided ? undefined : false;
}
