import { Connection, type ConnectOptions } from '../client/connection.js';
import type * as ow from '../protocol/openwire/codec/commands.js';
import { T } from '../protocol/openwire/codec/types.js';
import { CommandHandoff } from '../protocol/openwire/command-handoff.js';
import type { RemoteChannel } from '../protocol/openwire/remote-channel.js';

/**
 * The RemoteChannel of a bridge that connects out: the Node OpenWire client's connection (wire format
 * negotiation, TLS, inactivity monitor, request correlation, masterslave's failover: URI), with the bridge
 * building and reading the commands itself, as ActiveMQ's bridge does over its transport.
 */
export class ClientChannel implements RemoteChannel {
  onClosed: ((error: Error) => void) | null = null;
  /** Keeps what the broker sent before the bridge reads (a passive broker's durable sync comes at once). */
  private readonly commands = new CommandHandoff();

  private constructor(
    readonly connection: Connection,
    readonly remoteBrokerInfo: ow.BrokerInfo,
    readonly address: string,
  ) {
    connection.on('command', (c: ow.Command) => this.commands.push(c));
    for (const c of connection.claimEarlyCommands()) this.commands.push(c);
    connection.on('error', (e: Error) => this.onClosed?.(e));
  }

  get onCommand(): ((command: ow.Command) => void) | null {
    return this.commands.reader;
  }

  set onCommand(handler: ((command: ow.Command) => void) | null) {
    this.commands.reader = handler;
  }

  static async open(uri: string, options: ConnectOptions, timeoutMs = 30_000): Promise<ClientChannel> {
    const connection = await Connection.connect(uri, options);
    const info = connection.brokerInfo ?? (await brokerInfoOf(connection, timeoutMs));
    if (info === null) {
      await connection.close().catch(() => {});
      throw new Error(`${uri} did not introduce itself with a BrokerInfo within ${timeoutMs} ms: not a broker`);
    }
    return new ClientChannel(connection, info, connection.connectedUri ?? uri);
  }

  get connectionId(): ow.ConnectionId {
    return this.connection.connectionIdObject;
  }

  oneway(command: ow.Command): Promise<void> {
    return this.connection.oneway(command);
  }

  request(command: ow.Command): Promise<ow.Command> {
    return this.connection.request(command);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** A broker sends its BrokerInfo right after the wire format; when the ConnectionInfo went unanswered, wait for it. */
function brokerInfoOf(connection: Connection, timeoutMs: number): Promise<ow.BrokerInfo | null> {
  return new Promise((resolve, reject) => {
    const done = (info: ow.BrokerInfo | null): void => {
      clearTimeout(timer);
      connection.off('command', onCommand);
      connection.off('error', onError);
      resolve(info);
    };
    const onCommand = (c: ow.Command): void => {
      if (c.type === T.BROKER_INFO) done(c);
    };
    const onError = (e: Error): void => {
      clearTimeout(timer);
      connection.off('command', onCommand);
      connection.off('error', onError);
      reject(e);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    connection.on('command', onCommand);
    connection.on('error', onError);
  });
}
