import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/**
 * Keeps the last lines a child process printed, for error messages, without holding its whole output (the
 * brokers log for the whole run).
 */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly maxLines = 60) {}

  push(line: string): void {
    this.lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/** Calls onLine for every line of a child's output stream. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
