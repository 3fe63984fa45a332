import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Broker, ConnectionContext, ConsumerSink, Delivery } from '../broker/broker.js';
import { Connection, type ClientTlsOptions } from '../client/connection.js';
import type { Consumer } from '../client/consumer.js';
import type { ReceivedMessage } from '../client/message.js';
import type { Producer } from '../client/producer.js';
import type { Session } from '../client/session.js';
import type { NetworkConnectorConfig } from '../config/broker-config.js';
import { destinationMatches } from '../destination/destination-filter.js';
import { AckType, type ConsumerInfo } from '../model/commands.js';
import { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import { brokerIdToString, consumerIdToString } from '../protocol/openwire/codec/ids.js';
import type * as ow from '../protocol/openwire/codec/commands.js';
import { T } from '../protocol/openwire/codec/types.js';
import { fromOpenWireDestination, toOpenWireMessage } from '../protocol/openwire/message-convert.js';
import { destinationOf } from '../server/destination-ref.js';
import type { Clock } from '../util/clock.js';
import { BrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { DemandSubscription } from './demand-subscription.js';
import { networkBridgeFilter, type ConditionalFilterConfig } from './network-bridge-filter.js';

/** What a bridge knows of its own broker. */
export interface LocalBrokerInfo {
  readonly broker: Broker;
  readonly brokerId: string;
  readonly brokerName: string;
  /** The URL this broker publishes (its first transport connector), sent in the bridge's BrokerInfo. */
  brokerUrl(): string;
  /** The destination's policy's conditionalNetworkBridgeFilterFactory, if any. */
  conditionalFilter(destination: Destination): ConditionalFilterConfig | null;
}

export interface BridgeOptions {
  readonly config: NetworkConnectorConfig;
  readonly local: LocalBrokerInfo;
  /** The remote broker: `tcp://…`, `ssl://…`, or a `failover:(…)` pair for masterslave:. */
  readonly remoteUri: string;
  readonly tls?: ClientTlsOptions;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The remote broker turned out to be this one (multicast echo, a static URI naming ourselves). */
export class LoopbackBridgeError extends BrokerError {
  constructor(uri: string, brokerName: string) {
    super('ERR_CONFIG', `${uri} is this broker (${brokerName}): a broker does not bridge to itself`);
    this.name = 'LoopbackBridgeError';
  }
}

let bridgeInstance = 0;

/**
 * One network bridge from this broker to a remote one (ActiveMQ's DemandForwardingBridge, with ConduitBridge's
 * conduit subscriptions): it listens to the remote broker's consumer advisories, and for each remote consumer
 * it may serve opens a demand subscription here — a local consumer marked networkSubscription — whose messages
 * it sends to the remote broker with this broker appended to their brokerPath. A message is acknowledged here
 * only once the remote broker accepted it (persistent messages and alwaysSyncSend wait for its answer), so a
 * bridge that fails loses nothing: what was in flight returns to its queue or durable subscription.
 *
 * The remote side is the Node OpenWire client (src/client); the local side calls the broker in process, as
 * ActiveMQ's VM connection does, with the broker's own authority (the operator configured the bridge).
 */
export class DemandForwardingBridge extends EventEmitter {
  private remote: Connection | null = null;
  private session: Session | null = null;
  private producer: Producer | null = null;
  private readonly advisoryConsumers: Consumer[] = [];
  private context: ConnectionContext | null = null;
  private remoteBrokerId = '';
  private remoteBrokerName = '';
  private readonly byLocalId = new Map<string, DemandSubscription>();
  private readonly byRemoteId = new Map<string, DemandSubscription>();
  private readonly localConnectionId: string;
  private nextConsumer = 0;
  private stopped = false;
  private failed = false;
  /** Serialises demand changes: an advisory's add and remove must reach the broker in order. */
  private demandChain: Promise<void> = Promise.resolve();
  /** Forwards sent and not yet answered, so a stop can wait for them. */
  private inFlight = 0;
  readonly statistics = { enqueued: 0, dequeued: 0, received: 0 };

  constructor(private readonly o: BridgeOptions) {
    super();
    this.localConnectionId = `ID:${hostname()}-bridge-${process.pid}-${Date.now()}-${bridgeInstance++}:1`;
    this.on('error', () => {});
  }

  get remoteName(): string {
    return this.remoteBrokerName;
  }

  get remoteId(): string {
    return this.remoteBrokerId;
  }

  get remoteAddress(): string | null {
    return this.remote?.connectedUri ?? null;
  }

  get demandCount(): number {
    return this.byLocalId.size;
  }

  private get c(): NetworkConnectorConfig {
    return this.o.config;
  }

  /** Connects to the remote broker and sets up both ends; rejects (and cleans up) when either refuses. */
  async start(): Promise<void> {
    const c = this.c;
    const local = this.o.local;
    const token = c.clientIdToken;
    const remote = await Connection.connect(this.o.remoteUri, {
      userName: c.remoteUserName ?? c.userName ?? undefined,
      password: c.remoteUserName !== null ? (c.remotePassword ?? undefined) : (c.password ?? undefined),
      clientId: `${c.name}${token}${local.brokerName}${token}outbound`,
      ...(this.o.tls !== undefined ? { tls: this.o.tls } : {}),
      logger: this.o.logger,
      clock: this.o.clock,
      announce: this.brokerInfo(),
    }).catch((e: unknown) => {
      throw e instanceof Error ? e : new Error(String(e));
    });
    this.remote = remote;
    try {
      const info = remote.brokerInfo;
      this.remoteBrokerId = info?.brokerId === null || info === null ? '' : brokerIdToString(info.brokerId);
      this.remoteBrokerName = info?.brokerName ?? '';
      if (this.remoteBrokerId === local.brokerId || this.remoteBrokerName === local.brokerName) {
        throw new LoopbackBridgeError(this.o.remoteUri, local.brokerName);
      }
      remote.on('error', (e: Error) => this.fail(e));
      remote.on('command', (cmd: ow.Command) => this.onRemoteCommand(cmd));
      await this.startLocal();
      const session = (this.session = await remote.createSession('auto'));
      this.producer = await session.createProducer(null);
      for (const d of this.c.staticallyIncludedDestinations) {
        await this.addDemand(null, destinationOf(d), null, true);
      }
      if (!c.staticBridge) {
        for (const topic of this.advisoryTopics()) {
          const consumer = await session.createConsumer(topic, {
            prefetch: c.advisoryPrefetchSize > 0 ? c.advisoryPrefetchSize : c.prefetchSize,
            dispatchAsync: true,
          });
          consumer.setMessageListener((m) => this.onAdvisory(m));
          this.advisoryConsumers.push(consumer);
        }
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** The BrokerInfo that tells the remote broker this connection is a bridge (startRemoteBridge). */
  private brokerInfo(): ow.BrokerInfo {
    const local = this.o.local;
    return {
      type: T.BROKER_INFO,
      commandId: 0,
      responseRequired: false,
      brokerId: { type: T.BROKER_ID, value: local.brokerId },
      brokerURL: local.brokerUrl(),
      peerBrokerInfos: null,
      brokerName: local.brokerName,
      slaveBroker: false,
      masterBroker: false,
      faultTolerantConfiguration: false,
      duplexConnection: this.c.duplex,
      networkConnection: true,
      connectionId: 0,
      brokerUploadUrl: null,
      networkProperties: null,
    };
  }

  private async startLocal(): Promise<void> {
    const c = this.c;
    const local = this.o.local;
    const token = c.clientIdToken;
    const context: ConnectionContext = {
      info: {
        connectionId: this.localConnectionId,
        clientId: `${c.name}${token}${this.remoteBrokerName}${token}inbound${token}${local.brokerName}`,
        userName: c.userName,
        password: null,
        remoteAddress: this.o.remoteUri,
        protocol: 'network',
      },
      security: { userName: c.userName, groups: new Set(), isBrokerInternal: true },
      control: {
        close: (reason) => this.fail(reason),
      },
    };
    await local.broker.addConnection(context);
    this.context = context;
  }

  /** The advisory topics that report the remote consumers this bridge may serve (destinationFilter). */
  private advisoryTopics(): string[] {
    const included = this.c.dynamicallyIncludedDestinations;
    const topics =
      included.length === 0
        ? ['topic://ActiveMQ.Advisory.Consumer.>']
        : included
            .filter((d) => d.type === 'queue' || d.type === 'topic')
            .map((d) => `topic://ActiveMQ.Advisory.Consumer.${d.type === 'queue' ? 'Queue' : 'Topic'}.${d.name}`);
    return topics;
  }

  // ---- demand ------------------------------------------------------------------------------------

  private onAdvisory(m: ReceivedMessage): void {
    const data = m.raw.dataStructure;
    if (data === null) return;
    if (data.type === T.CONSUMER_INFO) {
      const info = data;
      this.enqueueDemand(() => this.onRemoteConsumer(info));
    } else if (data.type === T.REMOVE_INFO && data.objectId?.type === T.CONSUMER_ID) {
      const id = consumerIdToString(data.objectId);
      this.enqueueDemand(() => this.onRemoteConsumerRemoved(id));
    }
  }

  private enqueueDemand(step: () => Promise<void>): void {
    this.demandChain = this.demandChain.then(step).catch((e: unknown) => {
      if (!this.stopped) this.fail(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /** serviceRemoteConsumerAdvisory: a remote consumer appeared; serve it unless that would loop or is filtered. */
  private async onRemoteConsumer(info: ow.ConsumerInfo): Promise<void> {
    if (this.stopped || info.destination === null || info.consumerId === null) return;
    const log = this.o.logger;
    const path = (info.brokerPath ?? []).map((b) => b.value ?? '');
    const destination = fromOpenWireDestination(info.destination).destination;
    const remoteId = consumerIdToString(info.consumerId);
    if (info.browser) return;
    if (this.c.consumerTTL > -1 && path.length >= this.c.consumerTTL) {
      log.debug('Ignoring remote consumer: restricted by networkTTL/consumerTTL', {
        destination: destination.key,
        hops: path.length,
      });
      return;
    }
    if (path.includes(this.o.local.brokerId)) {
      log.debug('Ignoring remote consumer: its demand already crossed this broker', { destination: destination.key });
      return;
    }
    if (destination.name.startsWith('ActiveMQ.Advisory.') || !this.permissible(destination)) return;
    if (this.byRemoteId.has(remoteId)) return;
    // ConduitBridge: one local subscription per destination carries every remote consumer on it (selectors
    // dropped, so nothing is forwarded twice), except another bridge's queue demand when
    // conduitNetworkQueueSubscriptions is off.
    const conduit =
      this.c.conduitSubscriptions &&
      (!destination.isQueue || !info.networkSubscription || this.c.conduitNetworkQueueSubscriptions);
    if (conduit) {
      for (const ds of this.byLocalId.values()) {
        if (ds.conduit && ds.covers(destination)) {
          ds.remoteIds.add(remoteId);
          this.byRemoteId.set(remoteId, ds);
          return;
        }
      }
    }
    const ds = await this.addDemand(info, destination, conduit ? null : info.selector, false, conduit);
    if (ds !== null) {
      ds.remoteIds.add(remoteId);
      this.byRemoteId.set(remoteId, ds);
    }
  }

  private async onRemoteConsumerRemoved(remoteId: string): Promise<void> {
    const ds = this.byRemoteId.get(remoteId);
    if (ds === undefined) return;
    this.byRemoteId.delete(remoteId);
    ds.remoteIds.delete(remoteId);
    // A durable demand outlives its remote subscriber going offline: the remote broker keeps what we forward.
    if (ds.remoteIds.size > 0 || ds.staticallyIncluded || ds.durable) return;
    this.byLocalId.delete(ds.localInfo.consumerId);
    const context = this.context;
    if (context !== null) {
      await this.o.local.broker.removeConsumer(context, ds.localInfo.consumerId);
      if (ds.localInfo.destination.isTemporary) {
        await this.o.local.broker.removeDestination(context, ds.localInfo.destination).catch(() => {});
      }
    }
  }

  /** isPermissableDestination: excluded wins, then statically and dynamically included lists. */
  private permissible(d: Destination): boolean {
    if (d.isTemporary) return this.c.bridgeTempDestinations;
    const matches = (refs: NetworkConnectorConfig['excludedDestinations']): boolean =>
      refs.some((r) => {
        const ref = destinationOf(r);
        return destinationMatches(ref, d);
      });
    if (matches(this.c.excludedDestinations)) return false;
    if (matches(this.c.staticallyIncludedDestinations)) return true;
    if (this.c.dynamicallyIncludedDestinations.length > 0) return matches(this.c.dynamicallyIncludedDestinations);
    return true;
  }

  /** doCreateDemandSubscription: a local consumer that forwards what it receives to the remote broker. */
  private async addDemand(
    remote: ow.ConsumerInfo | null,
    destination: Destination,
    selector: string | null,
    staticallyIncluded: boolean,
    conduit = true,
  ): Promise<DemandSubscription | null> {
    const context = this.context;
    if (context === null) return null;
    const c = this.c;
    const local = this.o.local;
    const remotePath = (remote?.brokerPath ?? []).map((b) => b.value ?? '');
    const path = remotePath.includes(this.remoteBrokerId) ? remotePath : [...remotePath, this.remoteBrokerId];
    let priority = remote?.priority ?? 0;
    if (c.decreaseNetworkConsumerPriority) {
      // The further away the consumer, the lower the priority, so local and near consumers are served first.
      priority = c.consumerPriorityBase;
      if (remotePath.length > 1) priority -= remotePath.length + 1;
    }
    const durable = remote !== null && remote.subscriptionName !== null && destination.isTopic;
    const info: ConsumerInfo = {
      consumerId: `${this.localConnectionId}:1:${++this.nextConsumer}`,
      destination,
      prefetch: c.prefetchSize,
      selector,
      ackMode: 'individual',
      noLocal: false,
      exclusive: false,
      priority,
      retroactive: false,
      browser: false,
      // DurableConduitBridge's reproducible name: the same local durable subscription after a restart.
      subscriptionName: durable ? `NC-DS_${local.brokerName}_${destination.name}` : null,
      brokerPath: path,
      networkSubscription: true,
      additionalPredicate: networkBridgeFilter({
        networkBrokerId: this.remoteBrokerId,
        messageTTL: c.messageTTL,
        consumerTTL: c.consumerTTL,
        conditional: local.conditionalFilter(destination),
        clock: this.o.clock,
      }),
    };
    const ds = new DemandSubscription(info, staticallyIncluded, conduit, durable);
    this.byLocalId.set(info.consumerId, ds);
    if (destination.isTemporary && !local.broker.destinationExists(destination)) {
      // The remote client's temporary destination, mirrored here so replies sent to it can be forwarded.
      await local.broker.addDestination(context, destination);
    }
    try {
      await local.broker.addConsumer(context, info, this.sink(ds));
    } catch (e) {
      this.byLocalId.delete(info.consumerId);
      this.o.logger.warn(`${local.brokerName} could not subscribe to ${destination.key} for ${this.remoteBrokerName}`, {
        error: (e as Error).message,
      });
      return null;
    }
    return ds;
  }

  // ---- forwarding ---------------------------------------------------------------------------------

  private sink(ds: DemandSubscription): ConsumerSink {
    return {
      ready: true,
      deliver: (d) => {
        if (d !== null) this.forward(ds, d);
      },
    };
  }

  /**
   * Sends one message to the remote broker with this broker appended to its brokerPath, then acknowledges it
   * here. The message id, headers and properties travel unchanged, so the remote broker's duplicate check
   * drops a message resent after a bridge failure.
   */
  private forward(ds: DemandSubscription, d: Delivery): void {
    const producer = this.producer;
    const context = this.context;
    if (producer === null || context === null || this.stopped) return;
    const message = d.message;
    const sync = this.c.alwaysSyncSend || message.persistent;
    const raw = toOpenWireMessage(message);
    const brokerPath = [...(message.brokerPath ?? []), this.o.local.brokerId].map((value) => ({
      type: T.BROKER_ID,
      value,
    }));
    this.inFlight++;
    producer
      .forward(raw, { brokerPath, sync })
      .then(() => {
        this.statistics.enqueued++;
        return this.acknowledge(ds, context, message);
      })
      .catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        this.inFlight--;
      });
  }

  private acknowledge(ds: DemandSubscription, context: ConnectionContext, message: Message): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.statistics.dequeued++;
    return this.o.local.broker.acknowledge(context, {
      consumerId: ds.localInfo.consumerId,
      type: AckType.Individual,
      firstMessageId: null,
      lastMessageId: message.messageId,
      messageCount: 1,
      transactionId: null,
      poisonCause: null,
    });
  }

  private onRemoteCommand(cmd: ow.Command): void {
    if (cmd.type === T.SHUTDOWN_INFO) this.fail(new Error(`${this.remoteBrokerName} is shutting down`));
  }

  // ---- life cycle ---------------------------------------------------------------------------------

  /** The bridge failed (remote gone, a refused forward, the local broker closing it): stop and tell the connector. */
  private fail(error: Error): void {
    if (this.stopped || this.failed) return;
    this.failed = true;
    void this.stop().finally(() => this.emit('failed', error));
  }

  /** Ends both sides; unacknowledged messages go back to their destinations (removeConnection). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const context = this.context;
    this.context = null;
    const remote = this.remote;
    this.remote = null;
    if (context !== null) await this.o.local.broker.removeConnection(context).catch(() => {});
    if (remote !== null) await remote.close().catch(() => {});
    this.byLocalId.clear();
    this.byRemoteId.clear();
  }
}
