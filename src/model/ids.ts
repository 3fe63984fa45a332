import { hostname } from 'node:os';

/**
 * Ids in ActiveMQ's format (`ID:<host>-<port>-<startTime>-<n>:<counter>`) so logs and JMSMessageID values
 * look like Classic's and the Java client can parse the ones it is given.
 */
export class IdGenerator {
  private static readonly hostPart = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
  private static instances = 0;
  private readonly seed: string;
  private counter = 0;

  constructor(prefix = 'ID:', port = 0) {
    IdGenerator.instances++;
    this.seed = `${prefix}${IdGenerator.hostPart}-${port}-${Date.now()}-${IdGenerator.instances}:`;
  }

  next(): string {
    return this.seed + ++this.counter;
  }
}
