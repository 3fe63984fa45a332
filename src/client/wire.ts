import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  OpenWireFormat,
  T,
  type Command,
  type DataStructure,
  type WireFormatOptions,
} from '../protocol/openwire/codec/index.js';
import { InactivityMonitor } from '../transport/inactivity-monitor.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { ClientError } from './errors.js';
import type { BrokerUri } from './uri.js';

/** Bytes queued in the socket beyond which a sender waits for 'drain' (so a fast producer cannot grow the heap). */
const HIGH_WATER_MARK = 1024 * 1024;

export interface WireOptions {
  clock: Clock;
  logger: Logger;
  /** TLS settings for ssl:// (trust, client key); merged over the URI's socket.verifyHostName. */
  tls?: TlsConnectionOptions;
}

/**
 * One OpenWire connection to one broker: a socket, the wire format negotiated as ActiveMQ's WireFormatNegotiator
 * does (both sides send WireFormatInfo, the smaller/common settings win), and the inactivity monitor
 * (KeepAliveInfo every third of maxInactivityDuration when nothing else went out; the connection is failed when
 * nothing arrives for maxInactivityDuration, with the InactivityIOException text ActiveMQ uses).
 *
 * It knows nothing of sessions or requests: it hands every command up and reports its end once, with why.
 * Bad input ends it: a frame that does not decode, or one declaring more than wireFormat.maxFrameSize (checked
 * before a byte of it is buffered).
 */
export class Wire {
  private handler: ((command: Command) => void) | null = null;
  /**
   * Commands decoded before anyone listens: the broker's BrokerInfo can share a TCP segment with its
   * WireFormatInfo (through a proxy, say) and would otherwise be lost while the handshake settles.
   */
  private early: Command[] = [];
  onClose: (error: Error) => void = () => {};

  private closed = false;
  private readonly monitor: InactivityMonitor;
  private drainWaiters: (() => void)[] = [];

  private constructor(
    readonly uri: BrokerUri,
    private readonly socket: Socket,
    private readonly format: OpenWireFormat,
    private readonly options: WireOptions,
  ) {
    this.monitor = new InactivityMonitor(options.clock, {
      keepAlive: () => this.trySend(keepAlive(false)),
      inactive: (ms) =>
        this.fail(new ClientError('ERR_INACTIVITY', `Channel was inactive for too (>${ms}) long: ${this.uri.text}`)),
    });
  }

  get onCommand(): (command: Command) => void {
    return this.handler ?? ((c) => this.early.push(c));
  }

  set onCommand(handler: (command: Command) => void) {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const c of early) handler(c);
  }

  /** The negotiated OpenWire version. */
  get version(): number {
    return this.format.version;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Connects and negotiates. Rejects on refusal, a TLS failure, a peer that is not an OpenWire broker, or no
   * WireFormatInfo within `connectionTimeout` (0: no limit).
   */
  static open(uri: BrokerUri, preferred: Partial<WireFormatOptions>, options: WireOptions): Promise<Wire> {
    return new Promise<Wire>((resolve, reject) => {
      const format = new OpenWireFormat(preferred);
      const s = uri.transport.socket;
      const socket =
        uri.scheme === 'ssl'
          ? tlsConnect({
              host: uri.host,
              port: uri.port,
              servername: /^[\d.:]+$/.test(uri.host) ? undefined : uri.host,
              ...options.tls,
              ...(s.verifyHostName ? {} : { checkServerIdentity: () => undefined }),
            })
          : netConnect({ host: uri.host, port: uri.port });
      socket.setNoDelay(s.tcpNoDelay);
      if (s.keepAlive) socket.setKeepAlive(true);
      let settled = false;
      let timer: Timer | null = null;
      const settle = (e: Error | null, w?: Wire): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        if (e !== null) {
          socket.destroy();
          reject(e);
        } else resolve(w!);
      };
      if (uri.transport.connectionTimeout > 0) {
        timer = options.clock.setTimeout(
          () =>
            settle(
              new ClientError(
                'ERR_CLIENT_TIMEOUT',
                `Connection to ${uri.text} timed out after ${uri.transport.connectionTimeout} ms`,
              ),
            ),
          uri.transport.connectionTimeout,
        );
      }
      const wire = new Wire(uri, socket, format, options);
      socket.on('error', (e: Error) => {
        if (!settled) settle(new ClientError('ERR_CLIENT_TRANSPORT', `${uri.text}: ${e.message}`, { cause: e }));
        else wire.fail(new ClientError('ERR_CLIENT_TRANSPORT', `${uri.text}: ${e.message}`, { cause: e }));
      });
      socket.on('close', () => {
        if (!settled)
          settle(new ClientError('ERR_CLIENT_TRANSPORT', `${uri.text}: connection closed during handshake`));
        else wire.fail(new ClientError('ERR_CLIENT_TRANSPORT', `${uri.text}: connection closed by the broker`));
      });
      socket.on('drain', () => wire.releaseDrainWaiters());
      socket.once(uri.scheme === 'ssl' ? 'secureConnect' : 'connect', () => {
        // Before negotiation the format is ActiveMQ's initial one (loose, no cache): what the broker expects.
        socket.write(format.encode(format.preferredWireFormatInfo()));
      });
      socket.on('data', (chunk: Buffer) => {
        wire.monitor.onRead();
        try {
          format.feed(chunk, (cmd) => {
            if (!settled) {
              if (cmd.type !== T.WIREFORMAT_INFO) {
                throw new ClientError(
                  'ERR_PROTOCOL',
                  `${uri.text} is not an OpenWire broker (first command ${cmd.type})`,
                );
              }
              const n = format.negotiate(cmd);
              wire.monitor.start(n.maxInactivityDuration, n.writeCheckTime, n.maxInactivityDurationInitialDelay);
              settle(null, wire);
              return;
            }
            wire.dispatch(cmd);
          });
        } catch (e) {
          const err =
            e instanceof ClientError
              ? e
              : new ClientError(
                  (e as { code?: string }).code === 'ERR_FRAME_TOO_LARGE' ? 'ERR_FRAME_TOO_LARGE' : 'ERR_PROTOCOL',
                  `${uri.text}: ${(e as Error).message}`,
                  { cause: e },
                );
          // Before the handshake, bad bytes mean the peer is something else (an HTTP server, a STOMP port, …).
          if (!settled)
            settle(
              new ClientError('ERR_PROTOCOL', `${uri.text} did not answer as an OpenWire broker: ${err.message}`, {
                cause: e,
              }),
            );
          else wire.fail(err);
        }
      });
    });
  }

  private dispatch(cmd: Command): void {
    if (this.closed) return;
    if (cmd.type === T.KEEP_ALIVE_INFO) {
      // ActiveMQ's InactivityMonitor answers a KeepAliveInfo that asks for a response.
      if (cmd.responseRequired) this.trySend(keepAlive(false));
      return;
    }
    this.options.logger.trace('client', 'received', { command: cmd.type });
    this.onCommand(cmd);
  }

  /**
   * Encodes and writes one command. Returns false when the socket's buffer is past the high-water mark: the
   * caller should `await drained()` before more.
   */
  send(command: DataStructure): boolean {
    if (this.closed) throw new ClientError('ERR_CLIENT_TRANSPORT', `${this.uri.text}: connection is closed`);
    const bytes = this.format.encode(command);
    this.monitor.onWrite();
    this.socket.write(bytes);
    return this.socket.writableLength < HIGH_WATER_MARK;
  }

  /** Resolves when the socket's buffer is under the high-water mark again (or the wire closed). */
  drained(): Promise<void> {
    if (this.closed || this.socket.writableLength < HIGH_WATER_MARK) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private releaseDrainWaiters(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const r of w) r();
  }

  private trySend(command: DataStructure): void {
    try {
      if (!this.closed) this.send(command);
    } catch {
      // The close path reports it.
    }
  }

  /** Ends the wire with an error (reported once through onClose). */
  fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.monitor.stop();
    this.socket.destroy();
    this.releaseDrainWaiters();
    this.onClose(error);
  }

  /** Closes quietly after flushing what was written (ShutdownInfo goes first, from the caller). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.monitor.stop();
    this.releaseDrainWaiters();
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 2000);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }
}

function keepAlive(responseRequired: boolean): Command {
  return { type: T.KEEP_ALIVE_INFO, commandId: 0, responseRequired };
}
