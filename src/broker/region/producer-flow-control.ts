import type { ProducerInfo } from '../../model/commands.js';
import { Advisory } from '../../model/advisory.js';
import type { Destination } from '../../model/destination.js';
import type { Message } from '../../model/message.js';
import type { Clock } from '../../util/clock.js';
import { BrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ConnectionContext } from '../broker.js';
import type { BrokerEventListener } from '../broker-events.js';
import type { ResolvedPolicy } from '../policy/policy-entry.js';
import type { MemoryUsage } from './memory-usage.js';

/** Keys already warned about (a blocked producer, an ignored schedule), bounded so a flood cannot grow it. */
export class WarnedOnce {
  private readonly keys = new Set<string>();

  /** True the first time a key is seen (until it is forgotten). */
  first(key: string): boolean {
    if (this.keys.has(key)) return false;
    if (this.keys.size >= 10_000) this.keys.clear();
    this.keys.add(key);
    return true;
  }

  forget(key: string): void {
    this.keys.delete(key);
  }
}

/** What producer flow control needs from the region. */
export interface FlowControlHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly listeners: readonly BrokerEventListener[];
  readonly warned: WarnedOnce;
  isStarted(): boolean;
  /** The memory usage a send to `destination` adds to: the existing destination's, else the broker's. */
  usageFor(destination: Destination): MemoryUsage;
  policyFor(destination: Destination): ResolvedPolicy;
  /** The registered ProducerInfo of a message's producer; one made up from the message for an unregistered one. */
  producerInfo(context: ConnectionContext, message: Message): ProducerInfo;
}

const MORE = 'See http://activemq.apache.org/producer-flow-control.html for more info';

/**
 * Producer flow control (ActiveMQ's Queue/Topic.send and their usage checks): a send to a destination over its
 * memory limit (its policy's memoryLimit or the broker's) waits until consumers make room, which delays the
 * send's response — and the ProducerAck of an async send — while the protocol stops reading that connection once
 * enough of its sends wait; with sendFailIfNoSpace it fails at once, with sendFailIfNoSpaceAfterTimeout after
 * waiting that long.
 */
export class ProducerFlowControl {
  constructor(
    private readonly host: FlowControlHost,
    /** systemUsage sendFailIfNoSpace. */
    private readonly sendFailIfNoSpace: boolean,
    /** systemUsage sendFailIfNoSpaceAfterTimeout (ms; 0 = wait as long as it takes). */
    private readonly sendFailIfNoSpaceAfterTimeout: number,
  ) {}

  /** Resolves when the send may go on; rejects with ActiveMQ's texts when it may not. */
  async check(context: ConnectionContext, message: Message): Promise<void> {
    const host = this.host;
    const dest = message.destination;
    if (dest.isComposite || dest.isWildcard) return;
    const usage = host.usageFor(dest);
    if (!usage.isFull) return;
    if (context.security?.isBrokerInternal === true || Advisory.isAdvisory(dest)) return;
    const policy = host.policyFor(dest);
    // Queue/Topic.send: isFull (advisoryWhenFull) and fastProducer (advisoryForFastProducers) for every send
    // that finds the destination full, before producerFlowControl is even looked at.
    if (policy.advisoryWhenFull) for (const l of host.listeners) l.full?.(dest, usage.name, usage.usage);
    if (policy.advisoryForFastProducers) {
      const info = host.producerInfo(context, message);
      for (const l of host.listeners) l.fastProducer?.(dest, context.info.connectionId, info);
    }
    if (!policy.producerFlowControl) return;
    const producer = message.producerId ?? context.info.connectionId;
    if (policy.sendFailIfNoSpace || this.sendFailIfNoSpace) {
      throw new BrokerError(
        'ERR_RESOURCE_ALLOCATION',
        dest.isQueue
          ? `Usage Manager Memory Limit reached on ${dest.key}. ${MORE}`
          : `Usage Manager memory limit (${usage.limit || usage.root.limit}) reached. Rejecting send for producer (${producer}) to prevent flooding ${dest.key}. ${MORE}`,
      );
    }
    const text = `Usage Manager Memory Limit reached. Stopping producer (${producer}) to prevent flooding ${dest.key}. ${MORE}`;
    const episode = `pfc:${producer}`;
    // Once per blocked episode, not per message: a producer stuck for minutes must not flood the log.
    if (host.warned.first(episode)) host.logger.warn(text);
    const timeout = policy.sendFailIfNoSpaceAfterTimeout || this.sendFailIfNoSpaceAfterTimeout;
    const ok = await usage.waitForSpace(timeout, (fn, ms) => host.clock.setTimeout(fn, ms));
    host.warned.forget(episode);
    if (!host.isStarted()) throw new BrokerError('ERR_BROKER_STOPPED', 'The broker is stopping');
    if (!ok) throw new BrokerError('ERR_RESOURCE_ALLOCATION', text);
  }
}
