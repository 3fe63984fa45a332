import { T, type BrokerInfo, type Command, type WireFormatOptions } from '../protocol/openwire/codec/index.js';
import { ClientError } from './errors.js';
import type { BrokerUri } from './uri.js';
import { Wire, type WireOptions } from './wire.js';

/** What a transport tells the connection above it (ActiveMQ's TransportListener). */
export interface TransportListener {
  onCommand(command: Command): void;
  /** The transport is gone for good (failover gave up, or a plain tcp:// connection dropped). */
  onException(error: Error): void;
  /** Failover lost its broker and is reconnecting; prefetched messages are void. */
  onInterrupted(): void;
  /** Failover is connected again, state replayed. */
  onResumed(): void;
}

/** A way to the broker: one socket (DirectTransport) or a failover list (FailoverTransport). */
export interface ClientTransport {
  listener: TransportListener;
  start(): Promise<void>;
  /** Writes a command; resolves once it is on a socket (failover: once connected, within its `timeout`). */
  oneway(command: Command): Promise<void>;
  stop(): Promise<void>;
  /** The connection stopped waiting for the answer to `commandId` (it timed out): do not resend it. */
  forget?(commandId: number): void;
  /** The URI of the broker connected now, or null. */
  readonly connectedUri: string | null;
  readonly brokerInfo: BrokerInfo | null;
}

export type WireFactoryOptions = WireOptions;

/** The wire-format preferences a URI's `wireFormat.*` options ask for (OpenWireFormatFactory's names). */
export function preferredWireFormat(uri: BrokerUri): Partial<WireFormatOptions> {
  const out: Partial<WireFormatOptions> = {};
  for (const [k, v] of uri.transport.wireFormat) {
    const key = k === 'maxInactivityDurationInitalDelay' ? 'maxInactivityDurationInitialDelay' : k;
    switch (key) {
      case 'tightEncodingEnabled':
      case 'cacheEnabled':
      case 'sizePrefixDisabled':
      case 'stackTraceEnabled':
      case 'tcpNoDelayEnabled':
      case 'maxFrameSizeEnabled':
        if (v !== 'true' && v !== 'false')
          throw new ClientError('ERR_CONFIG', `wireFormat.${k}: '${v}' is not true or false`);
        out[key] = v === 'true';
        break;
      case 'version':
      case 'cacheSize':
      case 'maxFrameSize':
      case 'maxInactivityDuration':
      case 'maxInactivityDurationInitialDelay': {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0)
          throw new ClientError('ERR_CONFIG', `wireFormat.${k}: '${v}' is not a number`);
        out[key] = n;
        break;
      }
      default:
        throw new ClientError('ERR_CONFIG', `Invalid connect parameters: {wireFormat.${k}=${v}} in ${uri.text}`);
    }
  }
  return out;
}

export function openWire(uri: BrokerUri, options: WireFactoryOptions): Promise<Wire> {
  return Wire.open(uri, preferredWireFormat(uri), options);
}

/** A plain tcp:// or ssl:// connection: no reconnect; a dropped socket ends the connection. */
export class DirectTransport implements ClientTransport {
  listener: TransportListener = {
    onCommand: () => {},
    onException: () => {},
    onInterrupted: () => {},
    onResumed: () => {},
  };
  private wire: Wire | null = null;
  private info: BrokerInfo | null = null;
  private stopping = false;

  constructor(
    private readonly uri: BrokerUri,
    private readonly options: WireFactoryOptions,
  ) {}

  get connectedUri(): string | null {
    return this.wire === null || this.wire.isClosed ? null : this.uri.text;
  }

  get brokerInfo(): BrokerInfo | null {
    return this.info;
  }

  async start(): Promise<void> {
    const wire = await openWire(this.uri, this.options);
    this.wire = wire;
    wire.onCommand = (c) => {
      if (c.type === T.BROKER_INFO) this.info = c;
      this.listener.onCommand(c);
    };
    wire.onClose = (e) => {
      if (!this.stopping) this.listener.onException(e);
    };
  }

  async oneway(command: Command): Promise<void> {
    const wire = this.wire;
    if (wire === null || wire.isClosed) {
      throw new ClientError('ERR_CLIENT_TRANSPORT', `Cannot send, channel has already failed: ${this.uri.text}`);
    }
    if (!wire.send(command)) await wire.drained();
  }

  stop(): Promise<void> {
    this.stopping = true;
    this.wire?.close();
    return Promise.resolve();
  }
}
