import type * as ow from './codec/commands.js';

/**
 * Hands a bridge connection's commands to whoever reads them, keeping those that arrive before a reader is set
 * (a peer does not wait for our side of a bridge to be ready: a duplex peer's ConnectionInfo, a passive broker's
 * durable sync). Bounded: a peer cannot make us hold more than a bridge's setup before we listen.
 */
export class CommandHandoff {
  private handler: ((command: ow.Command) => void) | null = null;
  private early: ow.Command[] | null = [];

  get reader(): ((command: ow.Command) => void) | null {
    return this.handler;
  }

  set reader(handler: ((command: ow.Command) => void) | null) {
    this.handler = handler;
    const early = this.early;
    if (handler === null || early === null) return;
    this.early = null;
    for (const c of early) handler(c);
  }

  push(command: ow.Command): void {
    if (this.handler !== null) this.handler(command);
    else if (this.early !== null && this.early.length < 1000) this.early.push(command);
  }
}
