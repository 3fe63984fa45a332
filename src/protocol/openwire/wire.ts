import type { ProtocolOptions } from '../protocol.js';
import type { ByteWriter } from './codec/byte-writer.js';
import type * as ow from './codec/commands.js';
import { OpenWireFormat, type NegotiatedWireFormat, type WireFormatOptions } from './codec/wire-format.js';

export {
  connectionIdToString,
  consumerIdToString,
  messageIdToString,
  parseMessageId,
  parseProducerId,
  producerIdToString,
  sessionIdToString,
  transactionIdToString,
} from './codec/ids.js';

/**
 * The broker's side of one connection's wire format: its preferred settings come from the connector's
 * `wireFormat.*` options (ActiveMQ's defaults otherwise), negotiation follows ActiveMQ's rules.
 */
export class WireCodec {
  private readonly format: OpenWireFormat;

  constructor(options: ProtocolOptions) {
    this.format = new OpenWireFormat(preferredOptions(options));
  }

  localWireFormatInfo(): ow.WireFormatInfo {
    return this.format.preferredWireFormatInfo();
  }

  /** Feeds received bytes; `onCommand` runs for each whole command before the next one is decoded. */
  feed(chunk: Uint8Array, onCommand: (command: ow.Command) => void): void {
    this.format.feed(chunk, onCommand);
  }

  negotiate(remote: ow.WireFormatInfo): NegotiatedWireFormat {
    return this.format.negotiate(remote);
  }

  encode(command: ow.DataStructure): Buffer {
    return this.format.encode(command);
  }

  /** Appends the frame for `command` to a batch; nothing is appended if it cannot be encoded. */
  encodeTo(command: ow.DataStructure, writer: ByteWriter): void {
    this.format.encodeTo(command, writer);
  }

  /** See OpenWireFormat.sharedEncodingKey: null unless this connection can take pre-encoded messages. */
  get sharedEncodingKey(): string | null {
    return this.format.sharedEncodingKey;
  }

  /** Bytes of a frame received only in part (for the connector's frame-completion timeout). */
  get pendingBytes(): number {
    return this.format.pendingBytes;
  }

  get stackTraceEnabled(): boolean {
    return this.format.stackTraceEnabled;
  }
}

function preferredOptions(options: ProtocolOptions): Partial<WireFormatOptions> {
  const extra = options.extra;
  const bool = (name: string): boolean | undefined => {
    const v = extra.get(`wireFormat.${name}`);
    return v === undefined ? undefined : v === 'true';
  };
  const num = (name: string): number | undefined => {
    const v = extra.get(`wireFormat.${name}`);
    return v === undefined ? undefined : Number(v);
  };
  const out: Partial<WireFormatOptions> = {
    maxFrameSize: options.maxFrameSize,
    maxInactivityDuration: options.maxInactivityDurationMs,
    maxInactivityDurationInitialDelay: options.maxInactivityDurationInitialDelayMs,
  };
  const set = <K extends keyof WireFormatOptions>(key: K, value: WireFormatOptions[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('version', num('version'));
  set('tightEncodingEnabled', bool('tightEncodingEnabled'));
  set('cacheEnabled', bool('cacheEnabled'));
  set('cacheSize', num('cacheSize'));
  set('sizePrefixDisabled', bool('sizePrefixDisabled'));
  set('stackTraceEnabled', bool('stackTraceEnabled'));
  set('tcpNoDelayEnabled', bool('tcpNoDelayEnabled'));
  set('maxFrameSizeEnabled', bool('maxFrameSizeEnabled'));
  return out;
}
