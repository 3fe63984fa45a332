import { BrokerError } from '../../../util/errors.js';

/**
 * Every failure of the OpenWire codec: a malformed, truncated, lying or oversized frame on decode, or a command
 * that cannot be written. The connection that produced it is closed with the message logged. Its code maps to
 * java.io.IOException should it ever be sent to a client.
 */
export class CodecError extends BrokerError {
  constructor(message: string, code: 'ERR_PROTOCOL' | 'ERR_FRAME_TOO_LARGE' = 'ERR_PROTOCOL') {
    super(code, message);
    this.name = 'CodecError';
  }
}

export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}
