import type { ReadStream } from 'node:tty';
import type { Writable } from 'node:stream';

/**
 * Asks for a secret on a terminal without echoing it (as `keytool` or `passwd` do): raw mode, one key at a time,
 * Backspace edits, Enter ends, Ctrl-C or Ctrl-D on an empty line aborts. The prompt goes to `output` (stderr), so
 * stdout keeps only the command's answer.
 */
export function promptSecret(prompt: string, input: ReadStream, output: Writable, maxChars = 4096): Promise<string> {
  // Raw (no echo) before the prompt shows: whatever is typed once it is visible is never echoed.
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  output.write(prompt);
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let secret = '';
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error === null) resolve(secret);
      else reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || (ch === '\u0004' && secret === '')) return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') secret = secret.slice(0, -1);
        else if (ch >= ' ') secret += ch;
        if (secret.length > maxChars) return finish(new Error(`the secret is longer than ${maxChars} characters`));
      }
    };
    input.on('data', onData);
  });
}
