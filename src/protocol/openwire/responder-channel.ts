import type { SecurityContext } from '../../broker/broker.js';
import type * as ow from './codec/commands.js';
import { T } from './codec/types.js';
import { CommandHandoff } from './command-handoff.js';
import type { RemoteChannel } from './remote-channel.js';

/**
 * The RemoteChannel over an inbound OpenWire connection whose peer broker asked for a duplex bridge: the
 * connection stops acting as a client's and hands every command to the responder bridge (ActiveMQ's
 * TransportConnection does the same once it has started "the responder end of duplex bridge").
 */
export class ResponderChannel implements RemoteChannel {
  /** Holds what the initiator sent before the responder bridge was listening (its SessionInfo, ConsumerInfo…). */
  private readonly commands = new CommandHandoff();
  onClosed: ((error: Error) => void) | null = null;
  private nextCommandId = 1;
  private readonly pending = new Map<number, { resolve: (c: ow.Command) => void; reject: (e: Error) => void }>();
  private ended = false;

  constructor(
    readonly remoteBrokerInfo: ow.BrokerInfo,
    readonly address: string,
    private readonly write: (command: ow.Command) => void,
    private readonly end: (reason: string) => Promise<void>,
    /** Who the peer proved to be when its connection was admitted: the responder acts here as that user. */
    readonly security: SecurityContext | null = null,
  ) {}

  oneway(command: ow.Command): Promise<void> {
    if (this.ended) return Promise.reject(new Error(`The connection to ${this.address} is closed`));
    const c = command as { commandId: number; responseRequired: boolean };
    c.commandId = this.nextCommandId++;
    c.responseRequired = false;
    this.write(command);
    return Promise.resolve();
  }

  request(command: ow.Command): Promise<ow.Command> {
    if (this.ended) return Promise.reject(new Error(`The connection to ${this.address} is closed`));
    const id = this.nextCommandId++;
    const c = command as { commandId: number; responseRequired: boolean };
    c.commandId = id;
    c.responseRequired = true;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write(command);
    });
  }

  get onCommand(): ((command: ow.Command) => void) | null {
    return this.commands.reader;
  }

  set onCommand(handler: ((command: ow.Command) => void) | null) {
    this.commands.reader = handler;
  }

  /** A command read from the connection. */
  receive(command: ow.Command): void {
    if (command.type === T.RESPONSE || command.type === T.EXCEPTION_RESPONSE || command.type === T.DATA_RESPONSE) {
      const p = this.pending.get(command.correlationId);
      if (p === undefined) return;
      this.pending.delete(command.correlationId);
      if (command.type === T.EXCEPTION_RESPONSE) {
        p.reject(new Error(command.exception?.message ?? command.exception?.className ?? 'remote broker error'));
      } else {
        p.resolve(command);
      }
      return;
    }
    this.commands.push(command);
  }

  /** The connection ended. */
  closed(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.onClosed?.(error);
  }

  close(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return this.end('duplex network bridge stopped');
  }
}
