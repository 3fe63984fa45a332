/**
 * Why a STOMP frame could not be read. Every failure of the codec is one of these, so the converter can
 * answer with an ERROR frame naming the problem; anything else escaping the parser is a bug.
 *
 * The messages reuse ActiveMQ's StompWireFormat / StompCodec texts where it has them, so clients and
 * operators see the same words as with Classic.
 */
export type StompErrorCode =
  | 'ERR_STOMP_COMMAND_TOO_LONG'
  | 'ERR_STOMP_HEADER_TOO_LONG'
  | 'ERR_STOMP_TOO_MANY_HEADERS'
  | 'ERR_STOMP_FRAME_TOO_LARGE'
  | 'ERR_STOMP_DATA_TOO_LARGE'
  | 'ERR_STOMP_CONTENT_LENGTH'
  | 'ERR_STOMP_MALFORMED_HEADER'
  | 'ERR_STOMP_INVALID_ESCAPE'
  | 'ERR_STOMP_INVALID_UTF8'
  | 'ERR_STOMP_MISSING_NUL';

export class StompFrameError extends Error {
  constructor(
    readonly code: StompErrorCode,
    message: string,
    /** The frame's command when it was already read, for logs and the ERROR frame. */
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'StompFrameError';
  }
}

export function isStompFrameError(e: unknown): e is StompFrameError {
  return e instanceof StompFrameError;
}
