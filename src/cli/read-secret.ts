import type { Readable } from 'node:stream';

/** Reads the first line of a stream (a piped secret), bounded; the trailing newline is dropped. */
export async function readSecret(input: Readable, maxChars = 4096): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const nl = text.search(/\r?\n/);
    if (nl >= 0) return text.slice(0, nl);
    if (text.length > maxChars) throw new Error(`the secret on standard input is longer than ${maxChars} characters`);
  }
  return text;
}
