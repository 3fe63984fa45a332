import { EventEmitter } from 'node:events';
import type { Broker, ConnectionContext } from '../../broker/broker.js';
import type { ConnectionInfo, ConsumerInfo, MessageAck } from '../../model/commands.js';
import { parseSelector } from '../../destination/selector/selector.js';
import { Destination } from '../../model/destination.js';
import { IdGenerator } from '../../model/ids.js';
import type { Message } from '../../model/message.js';
import type { ConnectionWatch } from '../../transport/connection-guard.js';
import { InactivityMonitor } from '../../transport/inactivity-monitor.js';
import type { Transport } from '../../transport/transport.js';
import type { Clock } from '../../util/clock.js';
import { BrokerError, isBrokerError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import type { ProtocolConnection, ProtocolContext } from '../protocol.js';
import {
  addressToDestination,
  capabilityList,
  destinationAddress,
  destinationCapability,
  TEMP_TOPIC_CAPABILITY,
} from './addresses.js';
import { AmqpFrameGuard, AmqpFrameSizeError } from './codec/frame-guard.js';
import { CoordinatorLink, type CoordinatorHost } from './coordinator-link.js';
import { AmqpLinkError, conditionFor } from './errors.js';
import { sourceFilters, storedFilters } from './filters.js';
import { IncomingLink, type IncomingHost } from './incoming-link.js';
import { OutgoingLink, type OutgoingHost } from './outgoing-link.js';
import {
  holdAttach,
  refuseHeld,
  releaseAttach,
  AMQP_HEADER,
  amqpHeaderSent,
  attachLinksByRole,
  CoordinatorTerminus,
  createContainer,
  hardenRheaReader,
  keepPayloads,
  rheaFrames,
  teachTransactionTypes,
  type AmqpErrorCondition,
  type RheaConnection,
  type RheaEndpoint,
  type RheaReceiver,
  type RheaSender,
  type RheaSession,
  type RheaTerminus,
} from './rhea-facade.js';
import { saslMechanisms, type SaslIdentity } from './sasl.js';
import type { AmqpSettings } from './settings.js';
import { txnIdBytes, txnIdValue } from './transactions.js';

const connectionIds = new IdGenerator();

function checkSelector(text: string): void {
  try {
    parseSelector(text);
  } catch (e) {
    throw new AmqpLinkError('amqp:invalid-field', (e as Error).message);
  }
}
/** A terminus the peer sent; rhea hands an absent one over as a described-null value. */
function presentTerminus(t: RheaTerminus | null | undefined): RheaTerminus | null {
  if (t === undefined || t === null) return null;
  return (t as { type?: { name?: string } }).type?.name === 'Null' ? null : t;
}
/** An empty AMQP frame: the keep-alive of AMQP 1.0 §2.4.5. */
const EMPTY_FRAME = Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]);
// ActiveMQ's AmqpSupport connection properties and capabilities.
const OFFERED_CAPABILITIES = ['ANONYMOUS-RELAY', 'DELAYED_DELIVERY'];
const DURABLE_UNSETTLED_STATE = 2;
const DURABLE_CONFIGURATION = 1;
/** Open transactions one connection may hold (TideMQ's bound; ActiveMQ has none): each holds broker memory. */
export const MAX_OPEN_TRANSACTIONS = 256;

type State = 'sasl' | 'opening' | 'open' | 'closing' | 'closed';

/**
 * One AMQP 1.0 client connection (ActiveMQ's AmqpConnection): rhea runs the protocol engine over our Transport;
 * this class turns its events into Broker calls. The SASL layer records who the client says it is and the
 * broker's authentication filters decide at the client's Open; each session is a scope of links; a link the
 * client sends on is a producer (IncomingLink), one it receives on is a consumer (OutgoingLink).
 */
export class AmqpConnection implements ProtocolConnection {
  readonly connectionId = connectionIds.next();
  readonly logger: Logger;
  private readonly broker: Broker;
  private readonly clock: Clock;
  private readonly watch: ConnectionWatch | undefined;
  private readonly guard: AmqpFrameGuard;
  private readonly socket = new EventEmitter();
  private readonly rhea: RheaConnection;
  private readonly identity: SaslIdentity = { mechanism: null, userName: null, password: null };
  private readonly idle: InactivityMonitor;
  private context: ConnectionContext | null = null;
  private registered = false;
  private state: State = 'sasl';
  private sessionCount = 0;
  private linkCount = 0;
  private sessionSequence = 0;
  private linkSequence = 0;
  private tempSequence = 0;
  private readonly producers = new Set<IncomingLink>();
  private readonly consumers = new Map<string, OutgoingLink>();
  /** Broker work for this connection, in order: attaches and detaches wait for what came before them. */
  private work: Promise<void> = Promise.resolve();
  private readonly incomingHost: IncomingHost;
  private readonly outgoingHost: OutgoingHost;
  private readonly coordinatorHost: CoordinatorHost;
  /** ActiveMQ's AmqpConnection.getNextTransactionId: one sequence per connection, the txn-id's value. */
  private transactionSequence = 0;
  /** Declared and not yet discharged, by broker transaction id, with the sends still on their way into it. */
  private readonly transactions = new Map<string, Set<Promise<unknown>>>();
  /** rhea writes nothing of the AMQP layer (Begin, Attach answers) until the broker has admitted the Open. */
  private engineHeld = true;
  private openSent = false;
  private closedResolve!: () => void;
  private readonly closedPromise = new Promise<void>((r) => (this.closedResolve = r));

  constructor(
    private readonly transport: Transport,
    context: ProtocolContext,
    private readonly settings: AmqpSettings,
  ) {
    hardenRheaReader();
    keepPayloads();
    attachLinksByRole();
    teachTransactionTypes();
    this.broker = context.broker;
    this.clock = context.clock;
    this.logger = context.logger.child({ connectionId: this.connectionId, remote: transport.remoteAddress });
    this.incomingHost = this.makeIncomingHost();
    this.outgoingHost = this.makeOutgoingHost();
    this.coordinatorHost = this.makeCoordinatorHost();
    this.guard = new AmqpFrameGuard(Math.min(settings.maxFrameSize, settings.maxAmqpFrameSize));
    this.watch = context.watch;
    this.watch?.watchFrames(() => this.guard.partial);
    this.watch?.onTimeout((reason) => this.fail({ condition: 'amqp:resource-limit-exceeded', description: reason }));
    this.idle = new InactivityMonitor(this.clock, {
      keepAlive: () => this.transport.write(EMPTY_FRAME),
      // proton's text when the local idle timeout expires (ActiveMQ closes the same way).
      inactive: () =>
        this.fail({ condition: 'amqp:resource-limit-exceeded', description: 'local-idle-timeout expired' }),
    });

    const container = createContainer(context.broker.brokerName);
    const external = transport.secure && transport.peerCertificates.length > 0;
    container.sasl_server_mechanisms = saslMechanisms(this.identity, external);
    const properties = {
      'queue-prefix': 'queue://',
      'topic-prefix': 'topic://',
      product: 'TideMQ',
      version: '5.17.2',
    };
    this.rhea = container.create_connection({
      id: this.connectionId,
      container_id: context.broker.brokerName,
      max_frame_size: settings.maxAmqpFrameSize,
      channel_max: Math.max(0, settings.maxSessions - 1),
      offered_capabilities: OFFERED_CAPABILITIES,
      properties,
      require_sasl: !settings.allowNonSasl,
      disable_sasl: false,
      reconnect: false,
      receiver_options: { credit_window: 0, autoaccept: false, autosettle: false },
      sender_options: { treat_modified_as_released: false, autosettle: true },
    });
    // rhea answers a client's Open at once; the broker answers only once the connection is admitted.
    const rhea = this.rhea as unknown as { open: () => void };
    const realOpen = rhea.open.bind(this.rhea);
    rhea.open = () => {};
    this.answerOpen = realOpen;
    // rhea arms its own idle timer (setTimeout, twice the advertised idle-time-out) whenever it writes while the
    // Open it sends carries one; the InactivityMonitor owns that duty here, so the timer is dropped each time.
    const writer = this.rhea as unknown as { output: () => void; heartbeat_in?: NodeJS.Timeout };
    const output = writer.output.bind(this.rhea);
    writer.output = () => {
      output();
      if (writer.heartbeat_in !== undefined) {
        clearTimeout(writer.heartbeat_in);
        writer.heartbeat_in = undefined;
      }
    };
    const engine = this.rhea as unknown as { _process: () => void; registered: boolean };
    const process = engine._process.bind(this.rhea);
    engine._process = () => {
      if (this.engineHeld) {
        engine.registered = false;
        return;
      }
      process();
    };
    this.installHandlers();

    const adapter = Object.assign(this.socket, {
      write: (b: Buffer) => {
        this.idle.onWrite();
        return this.transport.write(b);
      },
      end: () => this.transport.end(),
      destroy: () => this.transport.destroy(),
      encrypted: external,
      authorized: external,
      get_id_string: () => `${transport.remoteAddress}`,
    });
    this.rhea.accept(adapter);
    transport.onData((chunk) => this.onData(chunk));
    transport.onDrain(() => {
      for (const c of this.consumers.values()) c.pump();
    });
    transport.onClose((error) => void this.onTransportClose(error));
  }

  private readonly answerOpen: () => void;

  get closed(): Promise<void> {
    return this.closedPromise;
  }

  close(reason: string): Promise<void> {
    if (this.state !== 'closed') this.fail({ condition: 'amqp:connection:forced', description: reason });
    return this.closedPromise;
  }

  // ---- inbound ------------------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.idle.onRead();
    try {
      this.guard.push(chunk);
    } catch (e) {
      const err = e as AmqpFrameSizeError;
      this.logger.info('AMQP connection closed: frame refused', { error: err.message });
      this.fail({ condition: err.condition, description: err.message });
      return;
    }
    this.socket.emit('data', chunk);
    // A message assembled from many transfers is bounded as it grows, not once it is complete.
    for (const p of this.producers) if (!p.isClosed && p.assembling > 0) p.checkAssembling();
  }

  private installHandlers(): void {
    const c = this.rhea;
    c.on('connection_open', () => this.onOpen());
    c.on('connection_close', () => void this.onClientClose());
    c.on('disconnected', () => {});
    c.on('protocol_error', (e: Error) => this.onEngineError(e));
    c.on('error', (e: Error) => this.onEngineError(e));
    c.on('session_open', (ctx: { session: RheaSession }) => this.onBegin(ctx.session));
    c.on('session_close', () => {});
    c.on('session_error', () => {});
    c.on('receiver_open', (ctx: { receiver: RheaReceiver }) => this.onAttachReceiver(ctx.receiver));
    c.on('sender_open', (ctx: { sender: RheaSender }) => this.onAttachSender(ctx.sender));
    c.on('receiver_close', (ctx: { receiver: RheaReceiver }) => this.onDetach(ctx.receiver));
    c.on('sender_close', (ctx: { sender: RheaSender }) => this.onDetach(ctx.sender));
    c.on('receiver_error', () => {});
    c.on('sender_error', () => {});
  }

  /** rhea refused bytes (garbage, a frame out of sequence): the connection is closed with a decode error. */
  private onEngineError(e: Error): void {
    this.logger.info('AMQP connection closed on protocol error', { error: e.message });
    this.fail({ condition: 'amqp:decode-error', description: `Could not process AMQP commands: ${e.message}` });
  }

  private onOpen(): void {
    this.watch?.connected();
    this.state = 'opening';
    const remote = this.rhea.remote.open ?? {};
    const containerId =
      typeof remote.container_id === 'string' && remote.container_id.length > 0 ? remote.container_id : null;
    const remoteIdle = typeof remote.idle_time_out === 'number' ? remote.idle_time_out : 0;
    // rhea would run its own heart-beat timers from these fields; the InactivityMonitor (on the broker's clock)
    // does that job, as it does for STOMP and OpenWire.
    delete remote.idle_time_out;
    const info: ConnectionInfo = {
      connectionId: this.connectionId,
      // ActiveMQ uses the container-id as the JMS client id.
      clientId: containerId ?? this.connectionId,
      userName: this.identity.userName,
      password: this.identity.password,
      remoteAddress: this.transport.remoteAddress,
      protocol: 'amqp',
      secure: this.transport.secure,
      peerCertificates: this.transport.peerCertificates,
    };
    const context: ConnectionContext = {
      info,
      security: null,
      control: {
        close: (reason) => this.fail(conditionFor(reason, 'amqp:connection:forced')),
        closeConsumer: (consumerId, reason) => this.closeConsumer(consumerId, reason),
      },
    };
    this.context = context;
    this.enqueue(() => this.admit(context, remoteIdle));
  }

  /** The broker's answer to the Open: the connection passes the authentication filters and the client id check. */
  private async admit(context: ConnectionContext, remoteIdle: number): Promise<void> {
    if (this.isClosing()) return;
    try {
      await this.broker.addConnection(context);
      this.registered = true;
    } catch (e) {
      this.refuseOpen(e);
      return;
    }
    if (this.isClosing()) return;
    this.state = 'open';
    this.sendOpen(this.settings.idleTimeoutMs);
    // A peer's idle-time-out asks for a frame at least that often; half of it leaves room for latency.
    this.idle.start(this.settings.idleTimeoutMs, remoteIdle > 0 ? Math.floor(remoteIdle / 2) : 0);
    this.logger.debug('AMQP client connected', { clientId: context.info.clientId, mechanism: this.identity.mechanism });
  }

  /** Writes what rhea has pending now rather than on its next tick. */
  private flushEngine(): void {
    if (!this.engineHeld && !this.isClosing()) (this.rhea as unknown as { _process(): void })._process();
  }

  /** Writes the broker's Open with its idle-time-out, without letting rhea arm timers of its own for it. */
  private sendOpen(idleTimeoutMs: number): void {
    const local = this.rhea.local.open;
    if (idleTimeoutMs > 0) local.idle_time_out = idleTimeoutMs;
    this.engineHeld = false;
    this.openSent = true;
    this.answerOpen();
    (this.rhea as unknown as { _process(): void })._process();
    delete local.idle_time_out;
  }

  /**
   * A refused connection is answered as ActiveMQ answers it: an Open carrying
   * `amqp:connection-establishment-failed`, then a Close with the reason (amqp:unauthorized-access and
   * ActiveMQ's text for a refused login, amqp:invalid-field naming the container-id for a client id in use).
   */
  private refuseOpen(e: unknown): void {
    const condition = conditionFor(e, 'amqp:illegal-state');
    if (isBrokerError(e) && e.code === 'ERR_CLIENT_ID_INVALID') condition.info = { 'invalid-field': 'container-id' };
    this.logger.info('AMQP connection refused', { error: condition.description });
    this.rhea.local.open.properties = { 'amqp:connection-establishment-failed': true };
    this.sendOpen(0);
    this.fail(condition);
  }

  private async onClientClose(): Promise<void> {
    // rhea answers the Close and ends the socket; the broker releases the connection when the transport closes.
    this.state = 'closing';
    this.idle.stop();
  }

  // ---- sessions and links -------------------------------------------------------------------------------

  private onBegin(session: RheaSession): void {
    if (this.state !== 'open' && this.state !== 'opening') {
      session.close({ condition: 'amqp:illegal-state', description: 'Session begun before the connection was open' });
      return;
    }
    if (this.sessionCount >= this.settings.maxSessions) {
      session.close({
        condition: 'amqp:resource-limit-exceeded',
        description: `Connection already has ${this.settings.maxSessions} sessions`,
      });
      return;
    }
    this.sessionCount++;
    const n = ++this.sessionSequence;
    (session as unknown as { tidemqId: number }).tidemqId = n;
    session.on('session_close', () => {
      this.sessionCount--;
    });
  }

  private sessionId(link: RheaEndpoint): number {
    return (link.session as unknown as { tidemqId?: number }).tidemqId ?? 0;
  }

  /** Runs broker work for links in arrival order. */
  private enqueue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch((e: unknown) => this.logger.warn('AMQP link work failed', { error: e }));
  }

  private admitLink(link: RheaEndpoint): boolean {
    if ((this.state !== 'open' && this.state !== 'opening') || this.context === null) {
      link.close({ condition: 'amqp:illegal-state', description: 'Link attached before the connection was open' });
      return false;
    }
    if (this.linkCount >= this.settings.maxLinks) {
      link.close({
        condition: 'amqp:resource-limit-exceeded',
        description: `Connection already has ${this.settings.maxLinks} links`,
      });
      return false;
    }
    this.linkCount++;
    (link as unknown as { tidemqCounted: boolean }).tidemqCounted = true;
    return true;
  }

  /** The client will send on this link: a producer (AmqpSession.createReceiver). */
  private onAttachReceiver(receiver: RheaReceiver): void {
    if (!this.admitLink(receiver)) return;
    const context = this.context!;
    const target = receiver.remote.attach?.target ?? null;
    // Echo the settle mode the client asked for and the target as resolved below.
    receiver.local.attach.rcv_settle_mode = 0;
    if (target instanceof CoordinatorTerminus) {
      this.attachCoordinator(receiver, target);
      return;
    }
    if (target === null) {
      // AmqpConnection.processLinkOpen has no receiver without a target.
      receiver.set_target({});
      receiver.close({ condition: 'amqp:invalid-field', description: 'Receiver link has no target' });
      return;
    }
    let destination: Destination | null = null;
    let created: Destination | null = null;
    try {
      if (target.dynamic === true) {
        created = this.temporaryDestination(capabilityList(target.capabilities));
        destination = created;
        receiver.set_target({
          address: destinationAddress(created),
          dynamic: true,
          capabilities: [destinationCapability(created)],
        });
      } else if (target.address !== undefined && target.address !== null && target.address.length > 0) {
        destination = addressToDestination(target.address, capabilityList(target.capabilities), 'target');
        if (destination.isTemporary && !this.ownsTemp(destination)) {
          // ActiveMQ refuses a temporary destination no connection created.
          if (!this.broker.destinationExists(destination)) {
            throw new AmqpLinkError('amqp:precondition-failed', 'Not a broker created temp destination');
          }
        }
        receiver.set_target(target);
      } else {
        receiver.set_target(target);
      }
    } catch (e) {
      receiver.close(conditionFor(e, 'amqp:invalid-field'));
      return;
    }
    const desired = capabilityList(receiver.desired_capabilities);
    if (desired.includes('DELAYED_DELIVERY')) receiver.local.attach.offered_capabilities = ['DELAYED_DELIVERY'];
    const producerId = `${this.connectionId}:${this.sessionId(receiver)}:${++this.linkSequence}`;
    const link = new IncomingLink(this.incomingHost, receiver, producerId, destination, this.settings.producerCredit);
    (receiver as unknown as { tidemq: unknown }).tidemq = { link, created };
    this.producers.add(link);
    holdAttach(receiver);
    this.enqueue(async () => {
      if (!this.registered || link.isClosed) return refuseHeld(receiver, { condition: 'amqp:illegal-state' });
      try {
        if (created !== null) await this.broker.addDestination(context, created);
        await this.broker.addProducer(context, { producerId, destination, windowSize: 0 });
        releaseAttach(receiver);
        link.open();
      } catch (e) {
        // IncomingLink.close detaches the receiver; its held attach goes out first.
        refuseHeld(receiver, conditionFor(e, 'amqp:internal-error'));
        link.close();
      }
    });
  }

  /**
   * A transaction controller attaches to the coordinator (AmqpSession.createCoordinator): the attach echoes the
   * client's coordinator target, and the link gets wireFormat.producerCredit.
   */
  private attachCoordinator(receiver: RheaReceiver, target: CoordinatorTerminus): void {
    receiver.local.attach.target = target.raw;
    const link = new CoordinatorLink(this.coordinatorHost, receiver, this.settings.producerCredit);
    (receiver as unknown as { tidemq: unknown }).tidemq = { link, created: null };
    holdAttach(receiver);
    this.enqueue(async () => {
      if (!this.registered || link.isClosed) return refuseHeld(receiver, { condition: 'amqp:illegal-state' });
      releaseAttach(receiver);
      link.open();
    });
  }

  /**
   * Qpid JMS attaches with a null source to find a durable subscription by its link name (a durable consumer
   * re-created, or `unsubscribe` with no consumer active). As ActiveMQ's AmqpSession.createSender, the
   * subscription this client id holds under that name gives the source back: its topic, durable unsettled-state,
   * expiry never, distribution-mode copy, and its selector and no-local as filters. Null when there is none.
   */
  private storedDurableSource(context: ConnectionContext, name: string): RheaTerminus | null {
    const clientId = context.info.clientId ?? this.connectionId;
    const info = this.broker.durableSubscriptionInfo?.(clientId, name) ?? null;
    if (info === null) return null;
    return {
      address: destinationAddress(info.destination),
      durable: DURABLE_UNSETTLED_STATE,
      expiry_policy: 'never',
      distribution_mode: 'copy',
      filter: storedFilters(info.selector, info.noLocal),
    };
  }

  /** The client will receive on this link: a consumer (AmqpSession.createSender). */
  private onAttachSender(sender: RheaSender): void {
    if (!this.admitLink(sender)) return;
    const context = this.context!;
    const source = presentTerminus(sender.remote.attach?.source) ?? this.storedDurableSource(context, sender.name);
    if (source === null) {
      sender.set_source({});
      sender.close({ condition: 'amqp:not-found', description: `Unknown subscription link: ${sender.name}` });
      return;
    }
    const filters = sourceFilters(source.filter);
    let destination: Destination;
    let created: Destination | null = null;
    try {
      // AmqpSession.createSender validates the selector before anything is created.
      if (filters.selector !== null) checkSelector(filters.selector);
      if (source.dynamic === true) {
        created = this.temporaryDestination(capabilityList(source.capabilities));
        destination = created;
      } else {
        destination = addressToDestination(source.address, capabilityList(source.capabilities), 'source');
        if (destination.isTemporary && !this.ownsTemp(destination) && !this.broker.destinationExists(destination)) {
          throw new AmqpLinkError('amqp:invalid-field', 'Not a broker created temp destination');
        }
      }
    } catch (e) {
      sender.set_source({});
      sender.close(conditionFor(e, 'amqp:invalid-field'));
      return;
    }
    const durable =
      destination.isTopic &&
      !destination.isTemporary &&
      (source.durable === DURABLE_UNSETTLED_STATE || source.durable === DURABLE_CONFIGURATION);
    const browser = source.distribution_mode === 'copy' && destination.isQueue;
    sender.set_source({
      ...source,
      address: destinationAddress(destination),
      ...(created !== null ? { dynamic: true, capabilities: [destinationCapability(created)] } : {}),
      filter: Object.keys(filters.supported).length > 0 ? filters.supported : undefined,
    });
    const target = sender.remote.attach?.target;
    if (target !== undefined && target !== null) sender.set_target(target);
    const presettled = sender.snd_settle_mode === 1;
    sender.local.attach.snd_settle_mode = presettled ? 1 : 0;
    const info: ConsumerInfo = {
      consumerId: `${this.connectionId}:${this.sessionId(sender)}:${++this.linkSequence}`,
      destination,
      prefetch: this.settings.consumerPrefetch,
      selector: filters.selector,
      ackMode: presettled ? 'auto' : 'individual',
      noLocal: filters.noLocal,
      exclusive: false,
      priority: 0,
      retroactive: false,
      browser,
      // AmqpSession.createSender: a durable topic source is a durable subscription named by the link.
      subscriptionName: durable ? sender.name : null,
    };
    const link = new OutgoingLink(this.outgoingHost, sender, info, presettled);
    (sender as unknown as { tidemq: unknown }).tidemq = { link, created, durable };
    this.consumers.set(info.consumerId, link);
    holdAttach(sender);
    this.enqueue(async () => {
      if (!this.registered || sender.is_closed()) return refuseHeld(sender, { condition: 'amqp:illegal-state' });
      try {
        if (created !== null) await this.broker.addDestination(context, created);
        const handle = await this.broker.addConsumer(context, info, link);
        if (sender.is_closed()) return;
        releaseAttach(sender);
        // rhea writes a session's transfers before its links' attaches: the attach goes out now, before the
        // first dispatch, or a client that sent credit with its attach (Qpid Proton does) would get a transfer
        // on a handle it does not know yet (proton closes with `no such handle`).
        this.flushEngine();
        link.activate(handle);
      } catch (e) {
        this.consumers.delete(info.consumerId);
        link.close();
        refuseHeld(sender, conditionFor(e, 'amqp:internal-error'));
      }
    });
  }

  private onDetach(link: RheaEndpoint): void {
    const counted = (link as unknown as { tidemqCounted?: boolean }).tidemqCounted === true;
    if (counted) {
      this.linkCount--;
      (link as unknown as { tidemqCounted: boolean }).tidemqCounted = false;
    }
    const state = (
      link as unknown as {
        tidemq?: {
          link: IncomingLink | OutgoingLink | CoordinatorLink;
          created: Destination | null;
          durable?: boolean;
        };
      }
    ).tidemq;
    if (state === undefined || this.context === null) return;
    if (state.link instanceof CoordinatorLink) {
      // Open transactions outlive their coordinator link and end with the connection (as in ActiveMQ).
      state.link.close();
      return;
    }
    const context = this.context;
    const remoteDetach = (link as unknown as { remote: { detach?: { closed?: boolean } } }).remote.detach;
    const closedByClient = remoteDetach?.closed === true;
    if (state.link instanceof IncomingLink) {
      const producer = state.link;
      producer.close();
      this.producers.delete(producer);
      this.enqueue(async () => {
        await this.broker.removeProducer(context, producer.producerId).catch(() => {});
        if (state.created !== null) await this.broker.removeDestination(context, state.created).catch(() => {});
      });
      return;
    }
    const consumer = state.link;
    consumer.close();
    this.consumers.delete(consumer.consumerId);
    this.enqueue(async () => {
      await this.broker.removeConsumer(context, consumer.consumerId);
      // Detach with closed=true ends a durable subscription (Qpid JMS unsubscribe); closed=false keeps it.
      if (state.durable === true && closedByClient) {
        await this.broker.removeSubscription(context, context.info.clientId ?? this.connectionId, link.name);
      }
      if (state.created !== null) await this.broker.removeDestination(context, state.created).catch(() => {});
    });
  }

  private closeConsumer(consumerId: string, reason: BrokerError): void {
    const link = this.consumers.get(consumerId);
    if (link === undefined) return;
    // AmqpSender.onConsumerControl: the broker closes a consumer (slow consumer abort).
    link.sender.close({ condition: 'amqp:internal-error', description: reason.message || 'Receiver forcably closed' });
    this.onDetach(link.sender);
  }

  private readonly ownTemps = new Set<Destination>();

  private ownsTemp(d: Destination): boolean {
    return this.ownTemps.has(d);
  }

  /** AmqpConnection.createTemporaryDestination: a temporary queue unless the capabilities ask for a topic. */
  private temporaryDestination(capabilities: string[]): Destination {
    const type = capabilities.includes(TEMP_TOPIC_CAPABILITY) ? 'temp-topic' : 'temp-queue';
    const d = Destination.of(type, `${this.connectionId}:${++this.tempSequence}`);
    this.ownTemps.add(d);
    return d;
  }

  // ---- hosts for links ----------------------------------------------------------------------------------

  private makeIncomingHost(): IncomingHost {
    return {
      connectionId: this.connectionId,
      logger: this.logger,
      now: () => this.clock.now(),
      maxMessageSize: this.settings.maxFrameSize,
      send: (message: Message, txnId: Buffer | null): Promise<void> => {
        if (this.context === null) return Promise.reject(new BrokerError('ERR_ILLEGAL_STATE', 'Not connected'));
        if (txnId === null) return this.broker.send(this.context, message, null);
        const transactionId = this.transactionId(txnId);
        const sent = this.broker.send(this.context, message, transactionId);
        // The discharge waits for the sends made in the transaction before it commits or rolls back.
        const pending = this.transactions.get(transactionId);
        if (pending !== undefined) {
          pending.add(sent);
          const done = (): boolean => pending.delete(sent);
          sent.then(done, done);
        }
        return sent;
      },
    };
  }

  /** The broker's id for a txn-id; bytes this connection never handed out name a transaction the broker lacks. */
  private transactionId(txnId: Buffer): string {
    const value = txnIdValue(txnId);
    return `TX:${this.connectionId}:${value ?? `0x${txnId.toString('hex')}`}`;
  }

  private makeCoordinatorHost(): CoordinatorHost {
    return {
      logger: this.logger,
      declare: async (): Promise<Buffer> => {
        if (this.context === null) throw new BrokerError('ERR_ILLEGAL_STATE', 'Not connected');
        if (this.transactions.size >= MAX_OPEN_TRANSACTIONS) {
          throw new AmqpLinkError(
            'amqp:resource-limit-exceeded',
            `Connection already has ${MAX_OPEN_TRANSACTIONS} open transactions`,
          );
        }
        const value = ++this.transactionSequence;
        const txnId = txnIdBytes(value);
        const transactionId = this.transactionId(txnId);
        await this.broker.beginTransaction(this.context, transactionId);
        this.transactions.set(transactionId, new Set());
        return txnId;
      },
      discharge: (txnId: Buffer, fail: boolean): Promise<void> => this.discharge(txnId, fail),
    };
  }

  /**
   * AmqpTransactionCoordinator's discharge: the consumers give up what they accepted in the transaction (acks
   * with the transaction id before a commit; redelivery or re-acquisition on a rollback), then the broker
   * commits in one phase or rolls back. A txn-id the broker does not know is refused with its text.
   */
  private async discharge(txnId: Buffer, fail: boolean): Promise<void> {
    const context = this.context;
    if (context === null) throw new BrokerError('ERR_ILLEGAL_STATE', 'Not connected');
    const transactionId = this.transactionId(txnId);
    const pending = this.transactions.get(transactionId);
    this.transactions.delete(transactionId);
    if (pending !== undefined && pending.size > 0) await Promise.allSettled([...pending]);
    if (fail) {
      for (const c of this.consumers.values()) c.rollbackTransaction(txnId);
      await this.broker.rollbackTransaction(context, transactionId);
      return;
    }
    for (const c of this.consumers.values()) {
      for (const ack of c.commitTransaction(txnId, transactionId)) {
        await this.broker.acknowledge(context, ack).catch((e: unknown) => {
          this.logger.debug('AMQP transacted ack refused', { consumerId: c.consumerId, error: (e as Error).message });
        });
      }
    }
    await this.broker.commitTransaction(context, transactionId, true);
  }

  private makeOutgoingHost(): OutgoingHost {
    const transport = this.transport;
    return {
      logger: this.logger,
      now: () => this.clock.now(),
      maxBodyBytes: this.settings.maxFrameSize,
      maximumRedeliveries: this.settings.maximumRedeliveries,
      get writable(): boolean {
        return transport.writable;
      },
      acknowledge: (ack: MessageAck): void => {
        if (this.context === null) return;
        this.broker.acknowledge(this.context, ack).catch((e: unknown) => {
          this.logger.warn('AMQP acknowledgement failed', { error: e });
        });
      },
    };
  }

  // ---- closing ------------------------------------------------------------------------------------------

  private isClosing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  /**
   * Closes from the broker side with an AMQP Close carrying the condition, written straight to the transport
   * (rhea may be in no state to write it), then ends the transport; the guard destroys it after its grace.
   */
  private fail(error: AmqpErrorCondition): void {
    if (this.isClosing()) return;
    const wasSasl = this.state === 'sasl';
    this.state = 'closing';
    this.idle.stop();
    for (const c of this.consumers.values()) c.close();
    if (!wasSasl) {
      try {
        // A Close must follow the protocol header and an Open (AMQP 1.0 §2.4.1, §2.4.3), even when the failure
        // came while the client's pipelined frames were read and before the broker answered its Open.
        if (!amqpHeaderSent(this.rhea)) this.transport.write(AMQP_HEADER);
        if (!this.openSent) {
          this.openSent = true;
          this.transport.write(
            rheaFrames.write_frame(rheaFrames.amqp_frame(0, rheaFrames.open({ container_id: this.broker.brokerName }))),
          );
        }
        this.transport.write(rheaFrames.write_frame(rheaFrames.amqp_frame(0, rheaFrames.close({ error }))));
      } catch {
        // Nothing more can be said to this peer.
      }
    }
    this.transport.end();
  }

  private async onTransportClose(error?: Error): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.idle.stop();
    for (const c of this.consumers.values()) c.close();
    for (const p of this.producers) p.close();
    this.socket.emit('end');
    try {
      await this.work;
      if (this.registered && this.context !== null) {
        this.registered = false;
        const cause =
          error === undefined ? undefined : new BrokerError('ERR_PROTOCOL', error.message, { cause: error });
        await this.broker.removeConnection(this.context, cause);
      }
    } catch (e) {
      this.logger.warn('removing a closed AMQP connection failed', { error: e });
    } finally {
      this.closedResolve();
    }
  }
}
