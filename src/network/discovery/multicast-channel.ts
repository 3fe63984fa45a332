import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { BrokerError } from '../../util/errors.js';
import type { MulticastDiscoveryOptions } from './multicast-options.js';

/**
 * The agent's one seam to the network: join the group, send a datagram to it, hear what arrives. The real one
 * is a UDP socket (openMulticastChannel); unit tests use an in-memory group.
 */
export interface MulticastChannel {
  send(data: Buffer): Promise<void>;
  onMessage(fn: (data: Buffer) => void): void;
  /** Errors after open (a send refused by the firewall, …); the agent logs them. */
  onError(fn: (error: Error) => void): void;
  close(): Promise<void>;
}

export type MulticastChannelFactory = (options: MulticastDiscoveryOptions) => Promise<MulticastChannel>;

/**
 * A UDP socket as ActiveMQ's MulticastSocket(port): bound to the wildcard address on the group's port with
 * SO_REUSEADDR (so several brokers on a host, TideMQ and ActiveMQ alike, share the port), joined to the group,
 * with the TTL and loopback of the options. Without `interface`/`networkInterface`/`joinNetworkInterface` the
 * kernel's route for the group address picks the interface (ActiveMQ picks the last non-loopback multicast
 * interface it finds, which is the same on a host with one).
 */
export const openMulticastChannel: MulticastChannelFactory = async (o) => {
  const joinAddress = o.joinNetworkInterface !== null ? interfaceAddress(o.joinNetworkInterface) : undefined;
  const sendAddress = o.networkInterface !== null ? interfaceAddress(o.networkInterface) : (o.interface ?? undefined);
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(o.port, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setMulticastTTL(o.timeToLive);
    socket.setMulticastLoopback(!o.loopBackMode);
    if (sendAddress !== undefined) socket.setMulticastInterface(sendAddress);
    socket.addMembership(o.address, joinAddress ?? sendAddress);
  } catch (e) {
    socket.close();
    throw new BrokerError(
      'ERR_CONFIG',
      `Could not join the multicast group ${o.address}:${o.port}: ${(e as Error).message}` +
        ' (is multicast routed on this host? see docs/clustering.md)',
      { cause: e },
    );
  }
  return new UdpChannel(socket, o.address, o.port);
};

class UdpChannel implements MulticastChannel {
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly address: string,
    private readonly port: number,
  ) {
    // The agent's timer keeps nothing alive by itself; neither does the socket (as ActiveMQ's daemon thread).
    socket.unref();
  }

  send(data: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.send(data, this.port, this.address, (e) => (e ? reject(e) : resolve()));
    });
  }

  onMessage(fn: (data: Buffer) => void): void {
    this.socket.on('message', (msg) => fn(msg));
  }

  onError(fn: (error: Error) => void): void {
    this.socket.on('error', fn);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The IPv4 address of a NIC named as Java's NetworkInterface.getByName would (`eth0`, `lo`). */
function interfaceAddress(name: string): string {
  const nic = networkInterfaces()[name];
  const v4 = nic?.find((a) => a.family === 'IPv4');
  if (v4 === undefined) {
    throw new BrokerError('ERR_CONFIG', `No network interface named ${name} with an IPv4 address`);
  }
  return v4.address;
}
