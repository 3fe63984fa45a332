import type { ProtocolConnection, ProtocolContext, ProtocolModule, ProtocolOptions } from '../protocol.js';
import type { Timer } from '../../util/clock.js';
import type { Transport } from '../../transport/transport.js';
import { ReplayTransport } from '../../transport/auto/replay-transport.js';

/** One protocol an auto:// connector listens for, with the options its `wireFormat.<name>.*` resolved to. */
export interface AutoCandidate {
  readonly module: ProtocolModule;
  readonly options: ProtocolOptions;
}

export interface AutoProtocolOptions {
  /** In the order they are tried; the first whose detect() says yes takes the connection. */
  readonly candidates: readonly AutoCandidate[];
  /** protocolDetectionTimeOut: how long a client may stay silent before it is closed; 0 waits forever. */
  readonly detectionTimeoutMs: number;
  /** How many bytes to look at before giving up (bounds the buffer a client can make us hold). */
  readonly maxHeadBytes?: number;
}

const DEFAULT_MAX_HEAD = 4096;

/**
 * ActiveMQ's auto:// transport as a protocol module: it reads the first bytes of each connection, asks
 * every enabled module whether they are its own (ProtocolModule.detect, the counterpart of ActiveMQ's
 * ProtocolVerifiers), and hands the connection, first bytes included, to the one that recognises them.
 * A client that sends nothing within the detection time-out, or bytes no module recognises, is closed.
 */
export function autoProtocol(options: AutoProtocolOptions): ProtocolModule {
  if (options.candidates.length === 0) throw new Error('auto:// needs at least one protocol to detect');
  return {
    name: 'auto',
    scheme: 'auto',
    webSocketSubprotocols: [],
    detect: () => undefined,
    accept: (transport, context) => new DetectingConnection(transport, context, options),
  };
}

class DetectingConnection implements ProtocolConnection {
  private head: Buffer = Buffer.alloc(0);
  private readonly replay: ReplayTransport;
  private delegate: ProtocolConnection | undefined;
  private timer: Timer | undefined;
  private done = false;

  constructor(
    private readonly transport: Transport,
    private readonly context: ProtocolContext,
    private readonly options: AutoProtocolOptions,
  ) {
    this.replay = new ReplayTransport(transport);
    transport.onData((chunk) => this.onData(chunk));
    transport.onClose(() => {
      this.done = true;
      this.timer?.cancel();
    });
    const timeout = options.detectionTimeoutMs;
    if (timeout > 0) {
      this.timer = context.clock.setTimeout(
        () =>
          this.refuse(
            `no protocol detected within protocolDetectionTimeOut (${timeout} ms): ` +
              `${this.head.length} byte(s) received`,
          ),
        timeout,
      );
    }
  }

  private onData(chunk: Buffer): void {
    if (this.delegate !== undefined) {
      this.replay.push(chunk);
      return;
    }
    if (this.done) return;
    const max = this.options.maxHeadBytes ?? DEFAULT_MAX_HEAD;
    // Every byte is kept for the protocol (a client may pipeline CONNECT and a SEND in its first segment),
    // but only the first `max` are examined, and an undecided head stops growing there: at most `max` plus
    // one socket read is ever held.
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    const view = this.head.subarray(0, max);
    let undecided = false;
    for (const candidate of this.options.candidates) {
      const verdict = candidate.module.detect(view);
      if (verdict === true) {
        this.handOver(candidate);
        return;
      }
      if (verdict === undefined) undecided = true;
    }
    if (!undecided) {
      this.refuse(`could not detect the wire format (${describeHead(view)}); listening for ${this.names()}`);
    } else if (this.head.length >= max) {
      this.refuse(`could not detect the wire format within the first ${max} bytes`);
    }
  }

  private handOver(candidate: AutoCandidate): void {
    this.timer?.cancel();
    const log = this.context.logger.child({ protocol: candidate.module.name });
    log.debug('Detected protocol', { protocol: candidate.module.name });
    try {
      this.delegate = candidate.module.accept(this.replay, {
        ...this.context,
        logger: log,
        options: candidate.options,
      });
    } catch (e) {
      log.error('Could not accept connection', { error: e });
      this.done = true;
      this.transport.destroy();
      return;
    }
    // The bytes read for detection are the protocol's first bytes.
    const head = this.head;
    this.head = Buffer.alloc(0);
    this.replay.push(head);
  }

  private refuse(reason: string): void {
    if (this.done || this.delegate !== undefined) return;
    this.done = true;
    this.timer?.cancel();
    this.context.logger.info('Connection closed: protocol not detected', { reason });
    this.transport.destroy();
  }

  private names(): string {
    return this.options.candidates.map((c) => c.module.name).join(', ');
  }

  async close(reason: string): Promise<void> {
    if (this.delegate !== undefined) return this.delegate.close(reason);
    this.done = true;
    this.timer?.cancel();
    this.transport.destroy();
  }
}

function describeHead(head: Buffer): string {
  const shown = head.subarray(0, 16);
  const printable = /^[\x20-\x7e\r\n\t]*$/.test(shown.toString('latin1'));
  return printable
    ? `starts with ${JSON.stringify(shown.toString('latin1'))}`
    : `starts with bytes ${shown.toString('hex')}`;
}
