import { PropertyType, typedToString, type Properties, type TypedValue } from '../../../model/properties.js';
import { decodePrimitiveMap, encodePrimitiveMap, PrimitiveMapError } from '../../../model/primitive-map.js';
import type { ByteWriter } from './byte-writer.js';
import type { Command, DataStructure, WireFormatInfo } from './commands.js';
import { FrameDecoder, type FrameSource } from './decoder.js';
import { CodecError } from './errors.js';
import { Marshaller } from './marshaller.js';
import { MAX_OPENWIRE_VERSION, MIN_OPENWIRE_VERSION, T } from './types.js';
import { Unmarshaller } from './unmarshaller.js';

/** The settings one side of an OpenWire connection prefers (OpenWireFormatFactory's `wireFormat.*` options). */
export interface WireFormatOptions {
  version: number;
  tightEncodingEnabled: boolean;
  cacheEnabled: boolean;
  /** Entries in the marshal cache; 0 means ActiveMQ's MARSHAL_CACHE_SIZE (16383). */
  cacheSize: number;
  sizePrefixDisabled: boolean;
  stackTraceEnabled: boolean;
  tcpNoDelayEnabled: boolean;
  /** Largest frame accepted (and sent). Not a Java long here: anything beyond 2^53 is "unlimited" anyway. */
  maxFrameSize: number;
  /** Whether maxFrameSize is enforced locally (never negotiated, as in ActiveMQ). */
  maxFrameSizeEnabled: boolean;
  maxInactivityDuration: number;
  maxInactivityDurationInitialDelay: number;
  host: string | null;
  providerName: string | null;
  providerVersion: string | null;
  platformDetails: string | null;
}

/**
 * OpenWireFormatFactory's defaults (what a Java 5.x/6.x client asks for), except maxFrameSize, which takes the
 * value of ActiveMQ's default activemq.xml (104857600) rather than the factory's Long.MAX_VALUE.
 */
export const DEFAULT_WIRE_FORMAT_OPTIONS: WireFormatOptions = {
  version: MAX_OPENWIRE_VERSION,
  tightEncodingEnabled: true,
  cacheEnabled: true,
  cacheSize: 1024,
  sizePrefixDisabled: false,
  stackTraceEnabled: true,
  tcpNoDelayEnabled: true,
  maxFrameSize: 104_857_600,
  maxFrameSizeEnabled: true,
  maxInactivityDuration: 30_000,
  maxInactivityDurationInitialDelay: 10_000,
  host: null,
  providerName: null,
  providerVersion: null,
  platformDetails: null,
};

/** OpenWireFormat.MARSHAL_CACHE_SIZE: the cache size used when 0 is negotiated. */
export const MARSHAL_CACHE_SIZE = 16383;

/** WireFormatInfo property limits (WireFormatInfo.MAX_PROPERTY_SIZE / _BUFFER_SIZE / _DEPTH). */
const WIRE_FORMAT_PROPERTY_LIMITS = { maxEntries: 64, maxValueLength: 512, maxDepth: 0 };

const MAGIC = Buffer.from('ActiveMQ', 'latin1');

// ----------------------------------------------------------------------------------------------- WireFormatInfo

/**
 * A WireFormatInfo announcing `options`. Properties are set in OpenWireFormatFactory's order and written in the
 * order a Java HashMap iterates them, so our handshake is byte-for-byte what ActiveMQ sends for the same settings.
 */
export function createWireFormatInfo(options: Partial<WireFormatOptions> = {}): WireFormatInfo {
  const o = { ...DEFAULT_WIRE_FORMAT_OPTIONS, ...options };
  const bool = (v: boolean): TypedValue => ({ type: PropertyType.Boolean, value: v });
  const long = (v: number): TypedValue => ({ type: PropertyType.Long, value: toJavaLong(v) });
  const str = (v: string | null): TypedValue | null => (v === null ? null : { type: PropertyType.String, value: v });
  const entries: [string, TypedValue | null][] = [
    ['StackTraceEnabled', bool(o.stackTraceEnabled)],
    ['CacheEnabled', bool(o.cacheEnabled)],
    ['TcpNoDelayEnabled', bool(o.tcpNoDelayEnabled)],
    ['TightEncodingEnabled', bool(o.tightEncodingEnabled)],
    ['SizePrefixDisabled', bool(o.sizePrefixDisabled)],
    ['MaxInactivityDuration', long(o.maxInactivityDuration)],
    ['MaxInactivityDurationInitalDelay', long(o.maxInactivityDurationInitialDelay)],
    ['CacheSize', { type: PropertyType.Int, value: o.cacheSize | 0 }],
    ['MaxFrameSize', long(o.maxFrameSize)],
    ['MaxFrameSizeEnabled', bool(o.maxFrameSizeEnabled)],
    ['Host', str(o.host)],
    ['ProviderName', str(o.providerName)],
    ['ProviderVersion', str(o.providerVersion)],
    ['PlatformDetails', str(o.platformDetails)],
  ];
  const set = entries.filter((e): e is [string, TypedValue] => e[1] !== null);
  const props: Properties = new Map(javaHashMapOrder(set));
  return {
    type: T.WIREFORMAT_INFO,
    magic: Buffer.from(MAGIC),
    version: o.version,
    marshalledProperties: encodePrimitiveMap(props),
  };
}

/** String.hashCode. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap filled with `entries` in this order (default capacity 16, load
 * factor 0.75): by bucket `(h ^ h >>> 16) & (capacity - 1)`, then insertion order within a bucket.
 */
export function javaHashMapOrder<V>(entries: readonly [string, V][]): [string, V][] {
  let capacity = 16;
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: string): number => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return entries
    .map((e, i) => ({ e, i, b: bucket(e[0]) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e);
}

/** A number as a Java long; 2^63 and beyond (Infinity too) become Long.MAX_VALUE, "unlimited" in ActiveMQ. */
function toJavaLong(v: number): bigint {
  if (v >= 9223372036854775807) return 0x7fffffffffffffffn;
  if (v <= -9223372036854775808 || Number.isNaN(v)) return v < 0 ? -0x8000000000000000n : 0n;
  return BigInt(Math.trunc(v));
}

/** The properties of a WireFormatInfo, decoded with ActiveMQ's limits (64 entries, 512-byte values, flat). */
export function wireFormatInfoProperties(info: WireFormatInfo): Properties {
  if (info.marshalledProperties === null) return new Map();
  try {
    return decodePrimitiveMap(info.marshalledProperties, WIRE_FORMAT_PROPERTY_LIMITS);
  } catch (e) {
    if (e instanceof PrimitiveMapError) throw new CodecError(`WireFormatInfo properties: ${e.message}`);
    throw e;
  }
}

/**
 * The settings a WireFormatInfo announces, read as WireFormatInfo's getters do: a missing flag is false, a
 * missing number 0 (which negotiation then treats as "no preference" where ActiveMQ does).
 */
export function wireFormatInfoOptions(info: WireFormatInfo): WireFormatOptions {
  const p = wireFormatInfoProperties(info);
  const flag = (k: string): boolean => {
    const v = p.get(k);
    return v !== undefined && v.type === PropertyType.Boolean && v.value;
  };
  const num = (k: string): number => {
    const v = p.get(k);
    if (v === undefined) return 0;
    if (v.type === PropertyType.Long) return Number(v.value);
    if (v.type === PropertyType.Int || v.type === PropertyType.Short || v.type === PropertyType.Byte) return v.value;
    return 0;
  };
  const text = (k: string): string | null => {
    const v = p.get(k);
    return v === undefined || v.type === PropertyType.Null ? null : typedToString(v);
  };
  return {
    version: info.version,
    tightEncodingEnabled: flag('TightEncodingEnabled'),
    cacheEnabled: flag('CacheEnabled'),
    cacheSize: num('CacheSize'),
    sizePrefixDisabled: flag('SizePrefixDisabled'),
    stackTraceEnabled: flag('StackTraceEnabled'),
    tcpNoDelayEnabled: flag('TcpNoDelayEnabled'),
    maxFrameSize: num('MaxFrameSize'),
    maxFrameSizeEnabled: flag('MaxFrameSizeEnabled'),
    maxInactivityDuration: num('MaxInactivityDuration'),
    maxInactivityDurationInitialDelay: num('MaxInactivityDurationInitalDelay'),
    host: text('Host'),
    providerName: text('ProviderName'),
    providerVersion: text('ProviderVersion'),
    platformDetails: text('PlatformDetails'),
  };
}

// ----------------------------------------------------------------------------------------------- negotiation

export interface NegotiatedWireFormat {
  version: number;
  tightEncodingEnabled: boolean;
  cacheEnabled: boolean;
  /** As negotiated (min of both; 0 when the cache is off or neither side named a size). */
  cacheSize: number;
  sizePrefixDisabled: boolean;
  stackTraceEnabled: boolean;
  tcpNoDelayEnabled: boolean;
  maxFrameSize: number;
  /** The inactivity monitor's read check time (InactivityMonitor: min of both, 0 disables). */
  maxInactivityDuration: number;
  maxInactivityDurationInitialDelay: number;
  /** How often to send KeepAliveInfo: a third of the read check time (writeCheckValueFromReadCheck). */
  writeCheckTime: number;
}

/** OpenWireFormat.min: the smaller of two values, ignoring one that is not positive (unset). */
function minSet(a: number, b: number): number {
  return (a < b && a > 0) || b <= 0 ? a : b;
}

/**
 * ActiveMQ's rules (OpenWireFormat.renegotiateWireFormat, WireFormatNegotiator, InactivityMonitor): version and
 * maxFrameSize take the smaller value that is set; tight encoding, cache, stack traces, tcpNoDelay and
 * sizePrefixDisabled only when both want them; the cache size is the smaller one; inactivity is the plain minimum
 * of both durations and of both initial delays.
 */
export function negotiateWireFormat(local: WireFormatOptions, remote: WireFormatOptions): NegotiatedWireFormat {
  if (remote.version < MIN_OPENWIRE_VERSION) {
    throw new CodecError(`remote wire format version ${remote.version} is lower than ${MIN_OPENWIRE_VERSION}`);
  }
  const version = Math.min(minSet(local.version, remote.version), MAX_OPENWIRE_VERSION);
  const cacheEnabled = local.cacheEnabled && remote.cacheEnabled;
  const readCheck = Math.min(local.maxInactivityDuration, remote.maxInactivityDuration);
  return {
    version,
    tightEncodingEnabled: local.tightEncodingEnabled && remote.tightEncodingEnabled,
    cacheEnabled,
    cacheSize: cacheEnabled ? Math.min(local.cacheSize, remote.cacheSize) : 0,
    sizePrefixDisabled: local.sizePrefixDisabled && remote.sizePrefixDisabled,
    stackTraceEnabled: local.stackTraceEnabled && remote.stackTraceEnabled,
    tcpNoDelayEnabled: local.tcpNoDelayEnabled && remote.tcpNoDelayEnabled,
    maxFrameSize: minSet(local.maxFrameSize, remote.maxFrameSize),
    maxInactivityDuration: readCheck,
    maxInactivityDurationInitialDelay: Math.min(
      local.maxInactivityDurationInitialDelay,
      remote.maxInactivityDurationInitialDelay,
    ),
    writeCheckTime: readCheck > 3 ? Math.floor(readCheck / 3) : readCheck,
  };
}

// ----------------------------------------------------------------------------------------------- the format

/**
 * One connection's OpenWire codec state, ActiveMQ's OpenWireFormat: the negotiated settings, the marshal cache of
 * each direction, an encoder and a resumable decoder.
 *
 * A connection starts as ActiveMQ's does before negotiation: loose encoding, no cache, size prefix on, the
 * preferred version. Each side sends its WireFormatInfo; on receiving the peer's, call `negotiate(info)` and the
 * settings apply to every frame after it, in both directions.
 */
export class OpenWireFormat implements FrameSource<Command> {
  readonly preferred: WireFormatOptions;

  private _version: number;
  private _tight = false;
  private _cacheEnabled = false;
  private _cacheSize = 0;
  private _sizePrefixDisabled = false;
  private _stackTraceEnabled = false;
  private _tcpNoDelayEnabled = false;
  private _maxFrameSize: number;
  private _maxInactivityDuration: number;
  private _maxInactivityDurationInitialDelay: number;
  private _negotiated: NegotiatedWireFormat | null = null;
  private _sharedKey: string | null = null;

  private readonly marshaller = new Marshaller();
  private readonly unmarshaller = new Unmarshaller();
  private readonly decoder = new FrameDecoder<Command>(this);

  constructor(options: Partial<WireFormatOptions> = {}) {
    this.preferred = { ...DEFAULT_WIRE_FORMAT_OPTIONS, ...options };
    const v = this.preferred.version;
    if (!Number.isInteger(v) || v < MIN_OPENWIRE_VERSION || v > MAX_OPENWIRE_VERSION) {
      throw new CodecError(`unsupported OpenWire version ${v}`);
    }
    this._version = v;
    this._maxFrameSize = this.preferred.maxFrameSize;
    this._maxInactivityDuration = this.preferred.maxInactivityDuration;
    this._maxInactivityDurationInitialDelay = this.preferred.maxInactivityDurationInitialDelay;
    this.apply();
  }

  get version(): number {
    return this._version;
  }
  get tightEncodingEnabled(): boolean {
    return this._tight;
  }
  get cacheEnabled(): boolean {
    return this._cacheEnabled;
  }
  /** The cache size in use (after negotiation, 0 becomes MARSHAL_CACHE_SIZE). */
  get cacheSize(): number {
    return this._cacheSize;
  }
  get sizePrefixDisabled(): boolean {
    return this._sizePrefixDisabled;
  }
  get stackTraceEnabled(): boolean {
    return this._stackTraceEnabled;
  }
  get tcpNoDelayEnabled(): boolean {
    return this._tcpNoDelayEnabled;
  }
  get maxFrameSize(): number {
    return this._maxFrameSize;
  }
  get maxFrameSizeEnabled(): boolean {
    return this.preferred.maxFrameSizeEnabled;
  }
  get maxInactivityDuration(): number {
    return this._maxInactivityDuration;
  }
  get maxInactivityDurationInitialDelay(): number {
    return this._maxInactivityDurationInitialDelay;
  }
  /** The outcome of negotiation, or null before it. */
  get negotiated(): NegotiatedWireFormat | null {
    return this._negotiated;
  }

  /** The WireFormatInfo this side sends first. */
  preferredWireFormatInfo(): WireFormatInfo {
    return createWireFormatInfo(this.preferred);
  }

  /**
   * Applies the peer's WireFormatInfo (or its options) to this format. Checks the magic again (a hand-built
   * object may not have passed the decoder).
   */
  negotiate(remote: WireFormatInfo | WireFormatOptions): NegotiatedWireFormat {
    let options: WireFormatOptions;
    if ('type' in remote && remote.type === T.WIREFORMAT_INFO) {
      if (remote.magic === null || !MAGIC.equals(remote.magic)) {
        throw new CodecError('WireFormatInfo magic is not "ActiveMQ": not an OpenWire peer');
      }
      options = wireFormatInfoOptions(remote);
    } else {
      options = remote as WireFormatOptions;
    }
    const n = negotiateWireFormat(this.preferred, options);
    this._negotiated = n;
    this._version = n.version;
    this._tight = n.tightEncodingEnabled;
    this._cacheEnabled = n.cacheEnabled;
    this._cacheSize = n.cacheEnabled ? n.cacheSize || MARSHAL_CACHE_SIZE : 0;
    this._sizePrefixDisabled = n.sizePrefixDisabled;
    this._stackTraceEnabled = n.stackTraceEnabled;
    this._tcpNoDelayEnabled = n.tcpNoDelayEnabled;
    this._maxFrameSize = n.maxFrameSize;
    this._maxInactivityDuration = n.maxInactivityDuration;
    this._maxInactivityDurationInitialDelay = n.maxInactivityDurationInitialDelay;
    // Built once here rather than per dispatch.
    this._sharedKey = this._cacheEnabled
      ? null
      : `${this._version}|${this._tight ? 't' : 'l'}|${this._stackTraceEnabled ? 's' : '-'}`;
    this.apply();
    return n;
  }

  private apply(): void {
    for (const m of [this.marshaller, this.unmarshaller]) {
      m.version = this._version;
      m.tight = this._tight;
      m.cacheEnabled = this._cacheEnabled;
      m.stackTraceEnabled = this._stackTraceEnabled;
      m.resetCache(this._cacheSize);
    }
  }

  /**
   * What a structure pre-encoded for this connection must agree on (version, encoding, stack traces), or null
   * when pre-encoded structures cannot be used here: before negotiation, or with the marshal cache on (see
   * PreEncoded).
   */
  get sharedEncodingKey(): string | null {
    return this._sharedKey;
  }

  // ------------------------------------------------------------------------------------------- encoding

  /** Bytes of the frame for `command`, size prefix included (unless disabled). */
  encode(command: DataStructure): Buffer {
    this.marshaller.externalMin = 0;
    const size = this.prepare(command);
    const prefix = this._sizePrefixDisabled ? 0 : 4;
    const out = Buffer.allocUnsafe(prefix + size);
    this.writeFrame(command, size, out, 0);
    return out;
  }

  /**
   * Appends the frame for `command` to `writer` (for batching several frames into one socket write). Byte arrays
   * of at least `writer.externalMin` bytes are not copied: the writer keeps a reference and hands them out
   * as chunks of their own (ByteWriter.takeChunks), so a large body goes to the socket as the buffer it arrived in.
   */
  encodeTo(command: DataStructure, writer: ByteWriter): void {
    const m = this.marshaller;
    m.externalMin = writer.externalMin;
    const size = this.prepare(command);
    writer.ensure(size - m.externalBytes + (this._sizePrefixDisabled ? 0 : 4));
    writer.pos = this.writeFrame(command, size, writer.buf, writer.pos);
    for (const e of m.externals) writer.external(e.at, e.data);
    m.externals.length = 0;
  }

  private prepare(command: DataStructure): number {
    if (command === null || typeof command !== 'object') throw new CodecError('cannot encode a non-object');
    const size = this.marshaller.prepare(command as unknown as Record<string, unknown> & { type: number });
    if (this.preferred.maxFrameSizeEnabled && size > this._maxFrameSize) {
      this.marshaller.rollback();
      throw new CodecError(
        `frame size of ${size} bytes exceeds the maximum of ${this._maxFrameSize}`,
        'ERR_FRAME_TOO_LARGE',
      );
    }
    return size;
  }

  private writeFrame(command: DataStructure, size: number, buf: Buffer, pos: number): number {
    if (!this._sizePrefixDisabled) {
      buf.writeInt32BE(size, pos);
      pos += 4;
    }
    const end = this.marshaller.write(command as unknown as Record<string, unknown> & { type: number }, buf, pos);
    const written = end - pos + this.marshaller.externalBytes;
    if (written !== size) throw new CodecError(`internal: frame sized ${size} but wrote ${written} bytes`);
    return end;
  }

  // ------------------------------------------------------------------------------------------- decoding

  /**
   * Queues received bytes. The chunk is referenced, not copied (decoded message content may be a view into it),
   * so it must not be reused afterwards — as Node's socket data never is.
   */
  push(chunk: Uint8Array): void {
    this.decoder.push(chunk);
  }

  /** The next whole command from the queued bytes, or undefined until more arrive. */
  next(): Command | undefined {
    return this.decoder.next();
  }

  /**
   * Queues `chunk` and calls `onCommand` for each whole command, one at a time, so that a `negotiate` made in
   * the callback applies from the very next frame.
   */
  feed(chunk: Uint8Array, onCommand: (command: Command) => void): void {
    this.decoder.feed(chunk, onCommand);
  }

  /** Received bytes not yet part of a whole command. */
  get pendingBytes(): number {
    return this.decoder.pendingBytes;
  }

  /** Decodes one frame body (after the size prefix, from the type byte); null for a NULL frame. */
  decodeFrameBody(body: Uint8Array): Command | null {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return this.decodeBody(buf, 0, buf.length, false).command;
  }

  /** @internal FrameSource. */
  decodeBody(buf: Buffer, start: number, end: number, partial: boolean): { command: Command | null; end: number } {
    const command = this.unmarshaller.decode(buf, start, end, partial) as Command | null;
    return { command, end: this.unmarshaller.consumed };
  }
}
