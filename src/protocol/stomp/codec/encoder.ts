import { encodeHeaderText } from './escape.js';
import { isUnescapedCommand, type StompVersion } from './frame.js';

/** What ActiveMQ's StompWireFormat writes after every frame: the NUL terminator and one EOL. */
export const FRAME_END: Buffer = Buffer.from([0, 0x0a]);
/** A heart-beat is a bare EOL ([STOMP 1.1] "Heart-beating"). */
export const HEARTBEAT: Buffer = Buffer.from([0x0a]);

export type HeaderList = Iterable<readonly [string, string]>;

/**
 * The command line, header lines and the blank line, as one string, escaped for `version`. Kept separate from
 * the body so a writer can put the head and the body into one buffer without an intermediate copy.
 */
export function encodeHead(command: string, headers: HeaderList, version: StompVersion): string {
  const escaping = isUnescapedCommand(command) ? null : version;
  let head = command + '\n';
  for (const [name, value] of headers) {
    head += encodeHeaderText(name, escaping) + ':' + encodeHeaderText(value, escaping) + '\n';
  }
  return head + '\n';
}

/** A whole frame: head, body, NUL and an EOL. */
export function encodeFrame(
  command: string,
  headers: HeaderList,
  body: Uint8Array | null,
  version: StompVersion,
): Buffer {
  const head = encodeHead(command, headers, version);
  const headLength = Buffer.byteLength(head);
  const bodyLength = body === null ? 0 : body.length;
  const out = Buffer.allocUnsafe(headLength + bodyLength + FRAME_END.length);
  out.write(head, 0, 'utf8');
  if (body !== null) out.set(body, headLength);
  out.set(FRAME_END, headLength + bodyLength);
  return out;
}
