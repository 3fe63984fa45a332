import { EventEmitter } from 'node:events';
import { command } from '../protocol/openwire/codec/command.js';
import type { PeerBrokers } from '../broker/peer-brokers.js';
import { hostname } from 'node:os';
import { VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX } from '../broker/advisory/virtual-destination-advisories.js';
import type { Broker, ConnectionContext, ConsumerSink, Delivery } from '../broker/broker.js';
import type { NetworkConnectorConfig } from '../config/broker-config.js';
import { destinationMatches } from '../destination/destination-filter.js';
import { AckType, type ConsumerInfo } from '../model/commands.js';
import { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import type * as ow from '../protocol/openwire/codec/commands.js';
import {
  brokerIds,
  brokerIdToString,
  connectionId,
  consumerId,
  consumerIdToString,
  isMessage,
  producerId,
  sessionId,
} from '../protocol/openwire/codec/ids.js';
import { T } from '../protocol/openwire/codec/types.js';
import {
  fromOpenWireDestination,
  fromOpenWireMessage,
  toOpenWireDestination,
  toOpenWireMessage,
} from '../protocol/openwire/message-convert.js';
import type { RemoteChannel } from '../protocol/openwire/remote-channel.js';
import { destinationOf } from '../server/destination-ref.js';
import type { Clock } from '../util/clock.js';
import { BrokerError, toBrokerError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { DemandSubscription } from './demand-subscription.js';
import {
  DURABLE_SUB_PREFIX,
  brokerSubscriptionInfo,
  matchesForDurableSync,
  matchesIncluded,
  type LocalDurable,
} from './durable-sync.js';
import { networkBridgeFilter, type ConditionalFilterConfig } from './network-bridge-filter.js';
import { networkProperties } from './network-properties.js';
import type { NetworkDemand, NetworkSubscriptions } from './network-subscriptions.js';

/** What a bridge knows of its own broker. */
export interface LocalBrokerInfo {
  readonly broker: Broker;
  readonly brokerId: string;
  readonly brokerName: string;
  /** The URL this broker publishes (its first transport connector), sent in the bridge's BrokerInfo. */
  brokerUrl(): string;
  /** The destination's policy's conditionalNetworkBridgeFilterFactory, if any. */
  conditionalFilter(destination: Destination): ConditionalFilterConfig | null;
  /** The broker's peer registry: an established bridge registers the remote broker (RegionBroker.addBroker). */
  readonly peers?: PeerBrokers;
  /** This broker's durable topic subscriptions, online or not (syncDurableSubs, dynamicOnly="false"). */
  durables?(): readonly LocalDurable[];
  /** Every bridge's demand subscriptions, broker-wide, for suppressDuplicateQueue/TopicSubscriptions. */
  readonly networkSubscriptions?: NetworkSubscriptions;
}

export interface BridgeOptions {
  readonly config: NetworkConnectorConfig;
  readonly local: LocalBrokerInfo;
  /**
   * Opens the connection to the remote broker, given the BrokerInfo to introduce ourselves with; for the
   * responder end of a duplex bridge, the channel the remote broker opened.
   */
  readonly connect: (announce: ow.BrokerInfo, clientId: string) => Promise<RemoteChannel>;
  /** The responder end of a duplex bridge: the remote broker sends its ConnectionInfo first, so we send ours. */
  readonly responder?: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The remote broker turned out to be this one (multicast echo, a static URI naming ourselves). */
export class LoopbackBridgeError extends BrokerError {
  constructor(address: string, brokerName: string) {
    super('ERR_CONFIG', `${address} is this broker (${brokerName}): a broker does not bridge to itself`);
    this.name = 'LoopbackBridgeError';
  }
}

let bridgeInstance = 0;

/** Consumer advisories (and the virtual destination ones) are read by the bridge, not delivered. */
function isAdvisoryForBridge(m: ow.Message): boolean {
  const name = m.destination?.physicalName ?? '';
  return (
    m.dataStructure !== null &&
    (name.startsWith('ActiveMQ.Advisory.Consumer.') || name.startsWith(VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX))
  );
}

/**
 * A consumer reported on a VirtualDestination consumer advisory is also reported, with the same id, on its queue's
 * own consumer advisory: the two are separate demands (the queue, the virtual destination), so the virtual one is
 * kept under an id of its own and its RemoveInfo removes only it.
 */
function virtualDemandId(id: ow.ConsumerId): ow.ConsumerId {
  return { ...id, connectionId: `${id.connectionId ?? ''}${VIRTUAL_DEMAND_SUFFIX}` };
}
const VIRTUAL_DEMAND_SUFFIX = '#virtual-destination';

/**
 * One network bridge between this broker and a remote one (ActiveMQ's DemandForwardingBridge, with
 * ConduitBridge's conduit subscriptions): it listens to the remote broker's consumer advisories, and for each
 * remote consumer it may serve opens a demand subscription here — a local consumer marked networkSubscription —
 * whose messages it sends to the remote broker with this broker appended to their brokerPath. A message is
 * acknowledged here only once the remote broker accepted it (persistent messages and alwaysSyncSend wait for its
 * answer), so a bridge that fails loses nothing: what was in flight returns to its queue or durable subscription.
 *
 * Duplex (duplex="true"): the same connection also carries the remote broker's bridge towards us. Its
 * ConsumerInfo is demand here (for its advisory topic, so our consumer advisories travel to it as forwarded
 * messages), and the messages it forwards are sent into this broker and answered. Both ends run this class; the
 * responder end is started by the OpenWire connector when a peer's BrokerInfo asks for duplex.
 *
 * The local side calls the broker in process, as ActiveMQ's VM connection does, with the broker's own authority
 * (the operator configured the bridge); the remote side goes through the remote broker's security.
 */
export class DemandForwardingBridge extends EventEmitter {
  private channel: RemoteChannel | null = null;
  private context: ConnectionContext | null = null;
  private remoteBrokerId = '';
  private remoteBrokerName = '';
  private readonly byLocalId = new Map<string, DemandSubscription>();
  private readonly byRemoteId = new Map<string, DemandSubscription>();
  private readonly localConnectionId: string;
  private remoteConnection: ow.ConnectionId;
  private producer: ow.ProducerId;
  private readonly advisoryConsumers = new Set<string>();
  /** Every remote consumer this bridge heard of and has not seen go, served or suppressed. */
  private readonly remoteConsumers = new Map<string, RemoteConsumer>();
  /** Remote consumers another bridge already serves by a better path (duplicate suppression). */
  private readonly suppressed = new Set<string>();
  private readonly onDemandRemoved = (d: NetworkDemand): void => this.reconsider(d);
  private advisoriesUnacked = 0;
  private nextConsumer = 0;
  private stopped = false;
  private failed = false;
  /** Serialises demand changes: an advisory's add and remove must reach the broker in order. */
  private demandChain: Promise<void> = Promise.resolve();
  /** Settles once both sides are set up. */
  private ready: Promise<void> = Promise.resolve();
  readonly statistics = { enqueued: 0, dequeued: 0, received: 0 };

  constructor(private readonly o: BridgeOptions) {
    super();
    const id = `ID:${hostname()}-bridge-${process.pid}-${Date.now()}-${bridgeInstance++}`;
    this.localConnectionId = `${id}:1`;
    this.remoteConnection = connectionId(`${id}:2`);
    this.producer = producerId(this.remoteConnection.value ?? '', 1, 1);
    this.on('error', () => {});
  }

  get remoteName(): string {
    return this.remoteBrokerName;
  }

  get remoteId(): string {
    return this.remoteBrokerId;
  }

  /** The remote broker's BrokerInfo.brokerURL: where its clients connect (for failover cluster updates). */
  get remoteBrokerUrl(): string | null {
    return this.channel?.remoteBrokerInfo.brokerURL ?? null;
  }

  get remoteAddress(): string | null {
    return this.channel?.address ?? null;
  }

  get demandCount(): number {
    return this.byLocalId.size;
  }

  private get c(): NetworkConnectorConfig {
    return this.o.config;
  }

  private get duplex(): boolean {
    return this.c.duplex || this.o.responder === true;
  }

  /** Connects to the remote broker and sets up both ends; rejects (and cleans up) when either refuses. */
  async start(): Promise<void> {
    const c = this.c;
    const local = this.o.local;
    const token = c.clientIdToken;
    const channel = await this.o.connect(this.brokerInfo(), `${c.name}${token}${local.brokerName}${token}outbound`);
    this.channel = channel;
    try {
      const info = channel.remoteBrokerInfo;
      this.remoteBrokerId = info.brokerId === null ? '' : brokerIdToString(info.brokerId);
      this.remoteBrokerName = info.brokerName ?? '';
      // The broker id tells this broker from another (DemandForwardingBridgeSupport's loop-back check); a peer
      // that merely shares our name is another broker, but the operator should know.
      if (this.remoteBrokerId === local.brokerId) throw new LoopbackBridgeError(channel.address, local.brokerName);
      if (this.remoteBrokerName === local.brokerName) {
        this.o.logger.warn(
          `${channel.address} is another broker named ${local.brokerName} too: brokers of a network need distinct names (brokerName), or logs and client ids are ambiguous`,
        );
      }
      if (channel.connectionId !== undefined) {
        // Over the client, the ConnectionInfo went out with the client's connection id: sessions hang off it.
        this.remoteConnection = channel.connectionId;
        this.producer = producerId(this.remoteConnection.value ?? '', 1, 1);
      }
      // What the peer sends before our local side is up (a duplex peer does not wait) waits for it: demand
      // changes queue behind `ready`, forwarded messages too.
      let release!: () => void;
      const ready = new Promise<void>((r) => (release = r));
      this.ready = ready;
      this.demandChain = ready;
      channel.onClosed = (e) => this.fail(e);
      channel.onCommand = (cmd) => this.onRemoteCommand(cmd);
      this.o.local.networkSubscriptions?.on('removed', this.onDemandRemoved);
      try {
        await this.startLocal();
        await this.startRemote();
        for (const d of c.staticallyIncludedDestinations) {
          await this.addDemand(null, destinationOf(d), null, true);
        }
        // DurableConduitBridge is what ActiveMQ runs with conduitSubscriptions and without dynamicOnly.
        if (!c.dynamicOnly && c.conduitSubscriptions) await this.restoreDurableDemand();
        if (c.syncDurableSubs) {
          // Tell the other broker which of our durable subscriptions still need its demand (both ends of a
          // bridge do; the passive end of a one-way bridge answers from its OpenWire connector instead).
          await channel.oneway(brokerSubscriptionInfo(c, local.durables?.() ?? [], local));
        }
      } finally {
        release();
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
      // The responder end of a duplex bridge runs with the initiator's settings (getNetworkConfiguration).
      networkProperties: networkProperties(this.c),
    };
  }

  /**
   * The bridge's connection to this broker. As ActiveMQ's local VM connection, it goes through this broker's
   * security: with an authentication plugin the connector's userName/password must log in here too, and
   * authorization decides which destinations it may consume (demand) and, for a duplex bridge, send to. The
   * responder end of a duplex bridge acts as the user the peer's connection was admitted as.
   */
  private async startLocal(): Promise<void> {
    const c = this.c;
    const local = this.o.local;
    const token = c.clientIdToken;
    const responder = this.o.responder === true;
    const duplexTag = responder ? `${token}duplex` : '';
    const admitted = responder ? (this.channel?.security ?? null) : null;
    const context: ConnectionContext = {
      info: {
        connectionId: this.localConnectionId,
        clientId: `${c.name}${token}${this.remoteBrokerName}${token}inbound${duplexTag}${token}${local.brokerName}`,
        userName: admitted?.userName ?? c.userName,
        password: responder ? null : c.password,
        remoteAddress: this.channel?.address ?? '',
        protocol: 'network',
      },
      security: admitted,
      control: {
        close: (reason) => this.fail(reason),
      },
    };
    await local.broker.addConnection(context);
    this.context = context;
  }

  /** Session, producer and the advisory subscription on the remote broker, sent without waiting (as ActiveMQ). */
  private async startRemote(): Promise<void> {
    const channel = this.channel!;
    const c = this.c;
    const conn = this.remoteConnection;
    if (this.o.responder === true) {
      const token = c.clientIdToken;
      await channel.oneway(
        command<ow.ConnectionInfo>(T.CONNECTION_INFO, {
          connectionId: conn,
          clientId: `${c.name}${token}${this.o.local.brokerName}${token}outbound`,
          clientMaster: true,
        }),
      );
    }
    await channel.oneway(command<ow.SessionInfo>(T.SESSION_INFO, { sessionId: sessionId(conn.value ?? '', 1) }));
    await channel.oneway(command<ow.ProducerInfo>(T.PRODUCER_INFO, { producerId: this.producer }));
    if (c.staticBridge) return;
    let n = 0;
    for (const topic of this.advisoryTopics()) {
      const id = consumerId(conn.value ?? '', 1, ++n);
      this.advisoryConsumers.add(consumerIdToString(id));
      await channel.oneway(
        command<ow.ConsumerInfo>(T.CONSUMER_INFO, {
          consumerId: id,
          destination: toOpenWireDestination(topic),
          prefetchSize: this.advisoryPrefetch,
          // Always asynchronous, so a slow bridge never blocks the remote broker's producers.
          dispatchAsync: true,
        }),
      );
    }
  }

  private get advisoryPrefetch(): number {
    return this.c.advisoryPrefetchSize > 0 ? this.c.advisoryPrefetchSize : this.c.prefetchSize;
  }

  /**
   * The advisory topics that report the remote consumers this bridge may serve (NetworkBridgeConfiguration's
   * destinationFilter): the consumer advisories and, with useVirtualDestSubs, the VirtualDestination consumer
   * advisories of the same destinations.
   */
  private advisoryTopics(): Destination[] {
    const prefixes = ['ActiveMQ.Advisory.Consumer.'];
    if (this.c.useVirtualDestSubs) prefixes.push(VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX);
    const included = this.c.dynamicallyIncludedDestinations;
    if (included.length === 0) return prefixes.map((p) => Destination.topic(`${p}>`));
    return included
      .filter((d) => d.type === 'queue' || d.type === 'topic')
      .flatMap((d) =>
        prefixes.map((p) => Destination.topic(`${p}${d.type === 'queue' ? 'Queue' : 'Topic'}.${d.name}`)),
      );
  }

  // ---- what the remote broker sends ---------------------------------------------------------------

  private onRemoteCommand(cmd: ow.Command): void {
    if (this.stopped) return;
    switch (cmd.type) {
      case T.MESSAGE_DISPATCH:
        // An advisory for our consumer on the remote broker (a bridge that is not duplex on the other side).
        if (cmd.message !== null && cmd.consumerId !== null) {
          this.onAdvisory(cmd.message);
          this.ackAdvisory(cmd.consumerId, cmd.message);
        }
        return;
      case T.CONSUMER_INFO:
        // Duplex: the remote bridge's own subscriptions (its advisory topic) are demand here.
        if (this.duplex) this.enqueueDemand(() => this.onRemoteConsumer(cmd, true));
        return;
      case T.REMOVE_INFO:
        if (this.duplex && cmd.objectId?.type === T.CONSUMER_ID) {
          const id = consumerIdToString(cmd.objectId);
          this.enqueueDemand(() => this.onRemoteConsumerRemoved(id));
        }
        return;
      case T.BROKER_SUBSCRIPTION_INFO:
        // syncDurableSubs: skipped with dynamicOnly or without conduit subscriptions, where consumers alone drive
        // demand (as ActiveMQ).
        if (this.c.syncDurableSubs && this.c.conduitSubscriptions && !this.c.dynamicOnly) {
          this.enqueueDemand(() => this.onDurableSync(cmd));
        }
        return;
      case T.SHUTDOWN_INFO:
        this.fail(new Error(`${this.remoteBrokerName} is shutting down`));
        return;
      case T.CONNECTION_ERROR:
        this.fail(new Error(`${this.remoteBrokerName} reported: ${cmd.exception?.message ?? 'a connection error'}`));
        return;
      default:
        if (isMessage(cmd)) {
          if (!this.duplex) return;
          // Duplex: an advisory the remote bridge forwards us, or a message for a consumer of ours.
          if (isAdvisoryForBridge(cmd)) this.onAdvisory(cmd);
          else this.receive(cmd);
        }
      // ConnectionInfo, SessionInfo, ProducerInfo, MessageAck of a duplex peer and KeepAliveInfo need nothing:
      // our local side has its own connection, and advisories forwarded to the peer are acknowledged here.
    }
  }

  /** ackAdvisory: acknowledges advisories in batches, at three quarters of the prefetch. */
  private ackAdvisory(consumer: ow.ConsumerId, message: ow.Message): void {
    if (++this.advisoriesUnacked <= this.advisoryPrefetch * 0.75) return;
    const count = this.advisoriesUnacked;
    this.advisoriesUnacked = 0;
    void this.channel
      ?.oneway({
        type: T.MESSAGE_ACK,
        commandId: 0,
        responseRequired: false,
        destination: message.destination,
        transactionId: null,
        consumerId: consumer,
        ackType: AckType.Standard,
        firstMessageId: null,
        lastMessageId: message.messageId,
        messageCount: count,
        poisonCause: null,
      } satisfies ow.MessageAck)
      .catch(() => {});
  }

  private onAdvisory(m: ow.Message): void {
    let data = m.dataStructure;
    if (data === null) return;
    if ((m.destination?.physicalName ?? '').startsWith(VIRTUAL_DESTINATION_CONSUMER_ADVISORY_PREFIX)) {
      // useVirtualDestSubs: only a connector that asked for these advisories serves them (a duplex peer may
      // forward them regardless).
      if (!this.c.useVirtualDestSubs) return;
      if (data.type === T.CONSUMER_INFO && data.consumerId !== null) {
        data = { ...data, consumerId: virtualDemandId(data.consumerId) };
      } else if (data.type === T.REMOVE_INFO && data.objectId?.type === T.CONSUMER_ID) {
        data = { ...data, objectId: virtualDemandId(data.objectId) };
      }
    }
    if (data.type === T.CONSUMER_INFO) {
      this.enqueueDemand(() => this.onRemoteConsumer(data, false));
    } else if (data.type === T.REMOVE_INFO && data.objectId?.type === T.CONSUMER_ID) {
      const id = consumerIdToString(data.objectId);
      this.enqueueDemand(() => this.onRemoteConsumerRemoved(id));
    } else if (data.type === T.REMOVE_SUBSCRIPTION_INFO) {
      const key = durableKey(data.clientId, data.subscriptionName);
      this.enqueueDemand(() => this.onRemoteSubscriptionRemoved(key));
    }
  }

  /** Duplex: a message the remote bridge forwards to a consumer here. Answered once this broker has it. */
  private receive(m: ow.Message): void {
    const context = this.context;
    if (context === null) {
      if (!this.stopped) void this.ready.then(() => this.receive(m));
      return;
    }
    const message = fromOpenWireMessage(m, this.localConnectionId);
    const answer = m.responseRequired || this.c.alwaysSyncSend;
    const correlationId = m.commandId;
    this.o.local.broker.send(context, message, null).then(
      () => {
        this.statistics.received++;
        if (answer) void this.reply({ type: T.RESPONSE, commandId: 0, responseRequired: false, correlationId });
      },
      (e: unknown) => {
        const err = toBrokerError(e);
        this.o.logger.warn(`Message forwarded by ${this.remoteBrokerName} refused here: ${err.message}`);
        if (answer) {
          void this.reply({
            type: T.EXCEPTION_RESPONSE,
            commandId: 0,
            responseRequired: false,
            correlationId,
            exception: { className: err.javaClassName, message: err.message, stackTrace: [], cause: null },
          } satisfies ow.ExceptionResponse);
        }
      },
    );
  }

  private reply(c: ow.Command): Promise<void> {
    return this.channel?.oneway(c).catch(() => {}) ?? Promise.resolve();
  }

  // ---- demand ------------------------------------------------------------------------------------

  private enqueueDemand(step: () => Promise<void>): void {
    this.demandChain = this.demandChain.then(step).catch((e: unknown) => {
      if (!this.stopped) this.fail(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /**
   * serviceRemoteConsumerAdvisory: a remote consumer appeared; serve it unless that would loop or is filtered.
   * `direct` is a duplex peer's own subscription (its advisory topic), which is served as it is.
   */
  private async onRemoteConsumer(info: ow.ConsumerInfo, direct: boolean, synced = false): Promise<void> {
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
    const advisory = destination.name.startsWith('ActiveMQ.Advisory.');
    if (advisory ? !direct : !this.permissible(destination)) return;
    const durable = info.subscriptionName !== null && destination.isTopic;
    // A durable subscription named by a durable sync is no consumer: it is kept by its name only.
    const serve = (ds: DemandSubscription): void => {
      if (durable) ds.durableRemoteSubs.add(durableKey(info.clientId, info.subscriptionName));
      if (synced) return;
      ds.remoteIds.add(remoteId);
      this.byRemoteId.set(remoteId, ds);
    };
    if (!synced) {
      if (this.byRemoteId.has(remoteId)) return;
      this.remoteConsumers.set(remoteId, { info, direct });
      this.suppressed.delete(remoteId);
    }
    // ConduitBridge: one local subscription per destination carries every remote consumer on it (selectors
    // dropped, so nothing is forwarded twice), except another bridge's queue demand when
    // conduitNetworkQueueSubscriptions is off.
    const conduit =
      this.c.conduitSubscriptions &&
      !advisory &&
      (!destination.isQueue || !info.networkSubscription || this.c.conduitNetworkQueueSubscriptions);
    if (conduit) {
      for (const ds of this.byLocalId.values()) {
        if (ds.conduit && ds.covers(destination)) {
          serve(ds);
          return;
        }
      }
    }
    if (!advisory && !synced && (await this.suppressDuplicate(info, destination, remoteId))) return;
    const forced = conduit && !durable && !advisory && this.isForcedDurable(destination);
    const ds = await this.addDemand(
      info,
      destination,
      conduit ? null : info.selector,
      false,
      conduit,
      undefined,
      forced,
    );
    if (ds !== null) serve(ds);
  }

  /**
   * The other broker's durable subscriptions (BrokerSubscriptionInfo): demand for each, offline or not, so that
   * a restarted broker forwards to subscribers that have not come back yet; then the durable demand that no
   * remote subscription needs any more (deleted while the bridge was down) is removed with its local
   * subscription (DemandForwardingBridgeSupport's durable sync and cleanupDurableSub).
   */
  private async onDurableSync(info: ow.BrokerSubscriptionInfo): Promise<void> {
    if (this.stopped) return;
    const c = this.c;
    let kept = 0;
    for (const sub of info.subscriptionInfos ?? []) {
      if (sub.destination === null || sub.consumerId === null) continue;
      const d = fromOpenWireDestination(sub.destination).destination;
      if (!matchesForDurableSync(c, sub.clientId, sub.subscriptionName, d)) continue;
      await this.onRemoteConsumer(sub, false, true);
      kept++;
    }
    let removed = 0;
    for (const ds of [...this.byLocalId.values()]) {
      if (!ds.durable || !matchesIncluded(c.dynamicallyIncludedDestinations, ds.localInfo.destination)) continue;
      if (ds.durableRemoteSubs.size > 0 || ds.remoteIds.size > 0 || ds.staticallyIncluded) continue;
      await this.removeDemand(ds);
      removed++;
    }
    this.o.logger.info(
      `Durable subscriptions synchronised with ${this.remoteBrokerName}: ${kept} kept, ${removed} no longer needed removed`,
    );
  }

  /**
   * dynamicOnly="false" (DurableConduitBridge.setupStaticDestinations): the durable subscriptions this bridge
   * left here for remote subscribers (NC-DS_…, under its client id) become demand again at once, so what they
   * hold flows before the remote subscribers' advisories come back. With syncDurableSubs, one for a destination
   * this bridge may no longer serve is deleted instead.
   */
  private async restoreDurableDemand(): Promise<void> {
    const local = this.o.local;
    const clientId = this.context?.info.clientId;
    if (clientId === undefined || clientId === null) return;
    for (const d of local.durables?.() ?? []) {
      if (d.clientId !== clientId || !d.subscriptionName.startsWith(DURABLE_SUB_PREFIX)) continue;
      if (d.subscriptionName !== `${DURABLE_SUB_PREFIX}${local.brokerName}_${d.destination.name}`) continue;
      if (!this.permissible(d.destination)) {
        if (this.c.syncDurableSubs && this.context !== null) {
          await local.broker.removeSubscription(this.context, clientId, d.subscriptionName);
        }
        continue;
      }
      if ([...this.byLocalId.values()].some((ds) => ds.durable && ds.covers(d.destination))) continue;
      await this.addDemand(null, d.destination, null, false, true, d.brokerPath);
    }
  }

  /**
   * duplicateSuppressionIsRequired: another bridge of this broker (or this one) already has a demand subscription
   * for this consumer, reached by another path. The one with the higher priority stays (with
   * decreaseNetworkConsumerPriority, the nearer path); on a tie, the one that came first. A durable demand is
   * never removed for a better path: its local durable subscription holds messages for the remote subscriber
   * (ActiveMQ keeps inactive durable ones for the same reason), so the better path is added beside it.
   */
  private async suppressDuplicate(info: ow.ConsumerInfo, destination: Destination, remoteId: string): Promise<boolean> {
    const registry = this.o.local.networkSubscriptions;
    const c = this.c;
    const on = destination.isQueue ? c.suppressDuplicateQueueSubscriptions : c.suppressDuplicateTopicSubscriptions;
    if (registry === undefined || !on) return false;
    const existing = registry.serving(destination, networkConsumerIds(info, remoteId));
    if (existing === undefined) return false;
    const log = this.o.logger;
    const priority = this.demandPriority(info);
    if (existing.priority >= priority) {
      log.debug('Ignoring duplicate subscription: a network subscription with equal or higher priority serves it', {
        destination: destination.key,
        remoteBroker: this.remoteBrokerName,
        consumer: remoteId,
        by: existing.consumerId,
      });
      this.suppressed.add(remoteId);
      return true;
    }
    if (existing.durable) return false;
    log.debug('Replacing duplicate subscription with one of higher priority', {
      destination: destination.key,
      remoteBroker: this.remoteBrokerName,
      consumer: remoteId,
      replaced: existing.consumerId,
    });
    await existing.remove();
    return false;
  }

  /** A demand somewhere in this broker ended: consumers suppressed as its duplicates get served by this path. */
  private reconsider(ended: NetworkDemand): void {
    if (this.stopped) return;
    for (const id of [...this.suppressed]) {
      const rc = this.remoteConsumers.get(id);
      if (rc === undefined || !networkConsumerIds(rc.info, id).some((x) => ended.networkConsumerIds.includes(x)))
        continue;
      this.suppressed.delete(id);
      this.enqueueDemand(() => this.onRemoteConsumer(rc.info, rc.direct));
    }
  }

  /** Another bridge serves this demand's consumers better: they become suppressed here, and the demand ends. */
  private async supersede(ds: DemandSubscription): Promise<void> {
    for (const id of ds.remoteIds) {
      this.byRemoteId.delete(id);
      this.suppressed.add(id);
    }
    ds.remoteIds.clear();
    await this.removeDemand(ds);
  }

  /** The remote durable subscription was deleted: the local one kept for it goes when nothing else needs it. */
  private async onRemoteSubscriptionRemoved(key: string): Promise<void> {
    for (const ds of [...this.byLocalId.values()]) {
      if (!ds.durableRemoteSubs.delete(key)) continue;
      if (ds.durableRemoteSubs.size > 0 || ds.remoteIds.size > 0 || ds.staticallyIncluded) continue;
      await this.removeDemand(ds);
    }
  }

  private async removeDemand(ds: DemandSubscription): Promise<void> {
    // Idempotent: a demand may be superseded by another bridge while its own remote consumer goes.
    if (!this.byLocalId.delete(ds.localInfo.consumerId)) return;
    this.o.local.networkSubscriptions?.delete(ds.localInfo.consumerId);
    await ds.drained();
    const context = this.context;
    if (context === null) return;
    const broker = this.o.local.broker;
    await broker.removeConsumer(context, ds.localInfo.consumerId);
    const name = ds.localInfo.subscriptionName;
    if (ds.durable && name !== null && context.info.clientId !== null) {
      await broker.removeSubscription(context, context.info.clientId, name);
    }
    if (ds.localInfo.destination.isTemporary) {
      await broker.removeDestination(context, ds.localInfo.destination).catch(() => {});
    }
  }

  private async onRemoteConsumerRemoved(remoteId: string): Promise<void> {
    this.remoteConsumers.delete(remoteId);
    this.suppressed.delete(remoteId);
    const ds = this.byRemoteId.get(remoteId);
    if (ds === undefined) return;
    this.byRemoteId.delete(remoteId);
    ds.remoteIds.delete(remoteId);
    // A durable demand outlives its remote subscriber going offline: the remote broker keeps what we forward,
    // until the subscription itself is deleted (RemoveSubscriptionInfo).
    if (ds.remoteIds.size > 0 || ds.staticallyIncluded || ds.durableRemoteSubs.size > 0) return;
    await this.removeDemand(ds);
  }

  /**
   * NetworkBridgeUtils.isForcedDurable (DurableConduitBridge): a topic demand is a durable subscription here, so
   * it keeps messages while the bridge is down, when the first included destination that matches it (dynamically,
   * then statically included) says `?forceDurable=true`. It still ends with its last remote consumer
   * (cleanupDurableSub once no forced consumer is left). Used with useVirtualDestSubs, whose remote consumers are
   * queue consumers that a durable demand on the virtual topic keeps fed.
   */
  private isForcedDurable(d: Destination): boolean {
    if (!d.isTopic || d.isTemporary) return false;
    const first = (refs: NetworkConnectorConfig['dynamicallyIncludedDestinations']) =>
      refs.find((r) => destinationMatches(destinationOf(r), d));
    const matching = first(this.c.dynamicallyIncludedDestinations) ?? first(this.c.staticallyIncludedDestinations);
    return matching?.options?.['forceDurable']?.toLowerCase() === 'true';
  }

  /** isPermissableDestination: excluded wins, then statically and dynamically included lists. */
  private permissible(d: Destination): boolean {
    if (d.isTemporary) return this.c.bridgeTempDestinations;
    const matches = (refs: NetworkConnectorConfig['excludedDestinations']): boolean =>
      refs.some((r) => destinationMatches(destinationOf(r), d));
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
    /** A durable demand restored from its NC-DS_ subscription (dynamicOnly="false"), with the path it had. */
    restoredPath?: readonly string[] | null,
    /** forceDurable on the included destination: durable although the remote consumer is not. */
    forcedDurable = false,
  ): Promise<DemandSubscription | null> {
    const context = this.context;
    if (context === null) return null;
    const c = this.c;
    const local = this.o.local;
    const remotePath = restoredPath != null ? [...restoredPath] : (remote?.brokerPath ?? []).map((b) => b.value ?? '');
    const path = remotePath.includes(this.remoteBrokerId) ? remotePath : [...remotePath, this.remoteBrokerId];
    const priority = this.demandPriority(remote);
    const durable =
      forcedDurable ||
      restoredPath !== undefined ||
      (remote !== null && remote.subscriptionName !== null && destination.isTopic);
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
      ...(remote?.consumerId != null
        ? { networkConsumerIds: networkConsumerIds(remote, consumerIdToString(remote.consumerId)) }
        : {}),
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
      local.networkSubscriptions?.add({
        consumerId: info.consumerId,
        destination,
        networkConsumerIds: info.networkConsumerIds ?? [],
        priority,
        durable,
        remove: () => this.supersede(ds),
      });
    } catch (e) {
      this.byLocalId.delete(info.consumerId);
      if (this.stopped) return null;
      this.o.logger.warn(
        `${local.brokerName} could not subscribe to ${destination.key} for ${this.remoteBrokerName}: ${(e as Error).message}`,
      );
      return null;
    }
    return ds;
  }

  /** doCreateDemandSubscription's priority: the further away the consumer, the lower (decreaseNetworkConsumerPriority). */
  private demandPriority(remote: ow.ConsumerInfo | null): number {
    const c = this.c;
    if (!c.decreaseNetworkConsumerPriority) return remote?.priority ?? 0;
    // Counted on the path with the remote broker appended (addRemoteBrokerToBrokerPath comes first): a consumer on
    // the remote broker itself is one hop away and keeps the base.
    const path = (remote?.brokerPath ?? []).map((b) => b.value ?? '');
    const hops = path.includes(this.remoteBrokerId) ? path.length : path.length + 1;
    return hops > 1 ? c.consumerPriorityBase - (hops + 1) : c.consumerPriorityBase;
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
    const channel = this.channel;
    const context = this.context;
    if (channel === null || context === null || this.stopped) return;
    const message = d.message;
    // configureMessage: a copy, so the original (shared with other consumers) keeps its own path and ids.
    const out: ow.Message = {
      ...toOpenWireMessage(message),
      producerId: this.producer,
      brokerPath: brokerIds([...(message.brokerPath ?? []), this.o.local.brokerId]),
      transactionId: null,
      targetConsumerId: null,
      redeliveryCounter: 0,
    };
    if (this.duplex && isAdvisoryForBridge(out)) {
      // Interpreted, never stored, by the peer's bridge: sent without an answer (as ActiveMQ does).
      void channel.oneway(out).then(
        () => this.acknowledge(ds, context, message),
        (e: unknown) => this.failWith(e),
      );
      return;
    }
    const sync = this.c.alwaysSyncSend || message.persistent;
    const sent = sync ? channel.request(out) : channel.oneway(out);
    const done = sent
      .then(() => {
        this.statistics.enqueued++;
        return this.acknowledge(ds, context, message);
      })
      .catch((e: unknown) => this.failWith(e))
      .finally(() => ds.inFlight.delete(done));
    ds.inFlight.add(done);
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

  // ---- life cycle ---------------------------------------------------------------------------------

  private failWith(e: unknown): void {
    this.fail(e instanceof Error ? e : new Error(String(e)));
  }

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
    const registry = this.o.local.networkSubscriptions;
    registry?.off('removed', this.onDemandRemoved);
    // Other bridges may now serve, by their own path, the consumers this one served (see reconsider).
    for (const id of this.byLocalId.keys()) registry?.delete(id);
    const context = this.context;
    this.context = null;
    const channel = this.channel;
    this.channel = null;
    if (context !== null) await this.o.local.broker.removeConnection(context).catch(() => {});
    if (channel !== null) {
      channel.onClosed = null;
      channel.onCommand = null;
      await channel.close().catch(() => {});
    }
    this.byLocalId.clear();
    this.byRemoteId.clear();
  }
}

/** A remote consumer as its advisory described it; `direct` when a duplex peer sent it as its own subscription. */
interface RemoteConsumer {
  readonly info: ow.ConsumerInfo;
  readonly direct: boolean;
}

/** createDemandSubscription's networkConsumerIds: the consumers the remote demand stood for, and itself. */
function networkConsumerIds(info: ow.ConsumerInfo, remoteId: string): string[] {
  return [...(info.networkConsumerPath ?? []).map(consumerIdToString), remoteId];
}

function durableKey(clientId: string | null, subscriptionName: string | null): string {
  return `${clientId ?? ''}\u0000${subscriptionName ?? ''}`;
}
