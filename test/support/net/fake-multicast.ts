import type { MulticastChannel, MulticastChannelFactory } from '../../../src/network/discovery/multicast-channel.js';

/**
 * An in-memory multicast group for discovery unit tests: every datagram sent by a member reaches every member,
 * the sender included unless it set loopBackMode (as the kernel's multicast loopback does). `sent` keeps every
 * datagram as text, so tests can check the exact bytes on the "wire"; `inject` plays a datagram from outside.
 */
export class FakeMulticastGroup {
  readonly sent: string[] = [];
  private readonly members = new Set<{ loopBack: boolean; fn: ((d: Buffer) => void)[] }>();

  readonly factory: MulticastChannelFactory = (o) => {
    const member = { loopBack: !o.loopBackMode, fn: [] as ((d: Buffer) => void)[] };
    this.members.add(member);
    const channel: MulticastChannel = {
      send: (data) => {
        this.sent.push(data.toString('utf8'));
        for (const m of this.members) if (m !== member || m.loopBack) for (const f of m.fn) f(Buffer.from(data));
        return Promise.resolve();
      },
      onMessage: (fn) => member.fn.push(fn),
      onError: () => {},
      close: () => {
        this.members.delete(member);
        return Promise.resolve();
      },
    };
    return Promise.resolve(channel);
  };

  inject(text: string | Buffer): void {
    const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (const m of this.members) for (const f of m.fn) f(data);
  }

  get size(): number {
    return this.members.size;
  }
}
