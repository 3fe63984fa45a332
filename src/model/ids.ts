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
    // ActiveMQ puts a port bound for the purpose there, which no other process on the host holds; without one,
    // the pid plays that part, so two brokers started in the same millisecond on one host (a cluster test, a
    // container restart) never share a broker id and take each other for themselves.
    this.seed = `${prefix}${IdGenerator.hostPart}-${port === 0 ? process.pid : port}-${Date.now()}-${IdGenerator.instances}:`;
  }

  next(): string {
    return this.seed + ++this.counter;
  }
}
