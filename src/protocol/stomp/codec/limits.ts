/**
 * Limits checked while a frame is read, before its bytes are buffered. The defaults are ActiveMQ's
 * StompWireFormat constants: MAX_COMMAND_LENGTH 1024, MAX_HEADER_LENGTH 10 KiB, MAX_HEADERS 1000 and
 * MAX_DATA_LENGTH 100 MiB; the frame size defaults to the 104857600 that ActiveMQ's stock activemq.xml
 * sets on every connector (wireFormat.maxFrameSize).
 */
export interface StompLimits {
  /** Bytes of a whole frame: command line, header lines and body. */
  readonly maxFrameSize: number;
  /** Bytes of a body (ActiveMQ maxDataLength, set with transport.maxDataLength). */
  readonly maxDataLength: number;
  /** Bytes of one header line, EOL excluded. */
  readonly maxHeaderLength: number;
  /** Header lines in one frame. */
  readonly maxHeaders: number;
  /** Bytes of the command line. */
  readonly maxCommandLength: number;
}

export const defaultStompLimits: StompLimits = {
  maxFrameSize: 104_857_600,
  maxDataLength: 104_857_600,
  maxHeaderLength: 10_240,
  maxHeaders: 1000,
  maxCommandLength: 1024,
};
