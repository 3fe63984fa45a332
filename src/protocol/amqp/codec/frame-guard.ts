/**
 * Walks the AMQP byte stream ahead of the frame parser and refuses a frame by its size field, before anything
 * of it is buffered (rhea's parser would otherwise collect as many bytes as a frame claims, up to 4 GiB). It
 * only counts: protocol headers (`AMQP` + id + version, 8 bytes) and frames (4-byte size, then the rest), so
 * it is resumable at any byte and costs nothing per byte of payload.
 *
 * The limits are ActiveMQ's two AMQP frame limits: wireFormat.maxFrameSize (AmqpFrameParser.validateFrameSize,
 * "Frame size of … is larger than max allowed …") and the frame size the broker advertises in its Open
 * (wireFormat.maxAmqpFrameSize, which a peer must not exceed, AMQP 1.0 §2.7.1).
 */
export class AmqpFrameSizeError extends Error {
  constructor(
    message: string,
    /** The AMQP condition to close with. */
    readonly condition: string,
  ) {
    super(message);
    this.name = 'AmqpFrameSizeError';
  }
}

const HEADER = Buffer.from('AMQP');
/** AMQP 1.0 §2.3.1: a frame is at least its 8-byte header. */
const MIN_FRAME = 8;

export class AmqpFrameGuard {
  /** Bytes of the current header or frame still to come (after its size field is known). */
  private remaining = 0;
  /** Bytes of a size field or header start gathered so far (at most 4). */
  private readonly head = Buffer.alloc(4);
  private headLength = 0;
  private inHeader = false;

  constructor(private readonly maxFrameSize: number) {}

  /** True while a header or frame is half received. */
  get partial(): boolean {
    return this.remaining > 0 || this.headLength > 0;
  }

  /** Accounts for `chunk`; throws AmqpFrameSizeError at the first frame whose size field is refused. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - i);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.inHeader = false;
        continue;
      }
      this.head[this.headLength++] = chunk[i++]!;
      if (this.headLength < 4) continue;
      this.headLength = 0;
      if (this.head.equals(HEADER)) {
        // A protocol header (the SASL one, then the AMQP one after a successful SASL outcome): 4 more bytes.
        this.inHeader = true;
        this.remaining = 4;
        continue;
      }
      const size = this.head.readUInt32BE(0);
      if (size < MIN_FRAME) {
        throw new AmqpFrameSizeError(
          `Frame size of ${size} is below the AMQP minimum of 8`,
          'amqp:connection:framing-error',
        );
      }
      if (size > this.maxFrameSize) {
        throw new AmqpFrameSizeError(
          `Frame size of ${humanSize(size)} is larger than max allowed ${humanSize(this.maxFrameSize)}`,
          'amqp:connection:framing-error',
        );
      }
      this.remaining = size - 4;
    }
  }
}

/** ActiveMQ's IOExceptionSupport.toHumanReadableSizeString (whole units, rounded down). */
export function humanSize(n: number): string {
  const KB = 1024;
  if (Math.floor(n / (KB * KB * KB)) > 0) return `${Math.floor(n / (KB * KB * KB))} GB`;
  if (Math.floor(n / (KB * KB)) > 0) return `${Math.floor(n / (KB * KB))} MB`;
  if (Math.floor(n / KB) > 0) return `${Math.floor(n / KB)} KB`;
  return `${n} bytes`;
}
