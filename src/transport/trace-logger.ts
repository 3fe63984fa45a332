import { Logger } from '../util/logger.js';

/**
 * The logger a connector with `trace=true` gives its connections: the protocol's frame channel
 * (`openwire`, `stomp`, …) is on for this connector only, whatever TIDEMQ_DEBUG says, so every frame it
 * carries is logged — ActiveMQ's TransportLogger, which `trace=true` installs per connection and which logs
 * each command sent and received at DEBUG. The lines keep that level: like ActiveMQ (whose TransportLogger
 * category must be set to DEBUG), they show once the broker logs at debug level (`--log-level debug`).
 * Other connectors and other channels are unaffected.
 */
export function tracingLogger(inner: Logger, channels: readonly string[]): Logger {
  return new TracingLogger(inner, new Set(channels));
}

class TracingLogger extends Logger {
  constructor(
    private readonly inner: Logger,
    private readonly traced: ReadonlySet<string>,
  ) {
    // The base state is unused: every method below goes to `inner`.
    super({ level: 'error', format: 'text', write: () => {}, debugChannels: '' });
  }

  override child(bindings: Record<string, unknown>): Logger {
    return new TracingLogger(this.inner.child(bindings), this.traced);
  }

  override channel(name: string): boolean {
    return this.traced.has(name) || this.inner.channel(name);
  }

  override trace(channel: string, msg: string, fields?: Record<string, unknown>): void {
    if (this.inner.channel(channel)) this.inner.trace(channel, msg, fields);
    else if (this.traced.has(channel)) this.inner.debug(msg, { channel, ...fields });
  }

  override debug(msg: string, fields?: Record<string, unknown>): void {
    this.inner.debug(msg, fields);
  }
  override info(msg: string, fields?: Record<string, unknown>): void {
    this.inner.info(msg, fields);
  }
  override warn(msg: string, fields?: Record<string, unknown>): void {
    this.inner.warn(msg, fields);
  }
  override error(msg: string, fields?: Record<string, unknown>): void {
    this.inner.error(msg, fields);
  }
}
