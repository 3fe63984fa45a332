import {
  T,
  TransactionType,
  transactionIdToString,
  type BaseCommand,
  type BrokerInfo,
  type Command,
  type ConnectionControl,
} from '../protocol/openwire/codec/index.js';
import { systemClock, type Timer } from '../util/clock.js';
import { ClientError } from './errors.js';
import { StateTracker } from './state-tracker.js';
import { openWire, type ClientTransport, type TransportListener, type WireFactoryOptions } from './transport.js';
import { parseNestedUri, type BrokerUri, type FailoverOptions } from './uri.js';
import type { Wire } from './wire.js';

/**
 * ActiveMQ's FailoverTransport: a list of brokers, one connected at a time. When the connection drops, sends
 * wait (up to `timeout`) while it reconnects with back-off, walking the list (shuffled when `randomize`), and
 * the connection's state is replayed on the new broker (StateTracker) before anything else is sent; requests
 * still waiting for a response (sync sends, acks, …) are then sent again, and the broker's producer audit drops
 * a send it had already stored. A commit in flight at the failure is answered with ActiveMQ's
 * TransactionRolledBackException text, because nobody can know whether it happened.
 *
 * Cluster updates come in ConnectionControl: `connectedBrokers` extends the list (updateURIsSupported),
 * `rebalanceConnection` + `reconnectTo` moves this client (rebalanceClusterClients). `backup` keeps a second
 * connection open to take over at once; `priorityBackup` keeps trying the priority URIs (the first URI, or
 * `priorityURIs`) while connected elsewhere, and moves back when one answers.
 */
export class FailoverTransport implements ClientTransport {
  listener: TransportListener = {
    onCommand: () => {},
    onException: () => {},
    onInterrupted: () => {},
    onResumed: () => {},
  };
  readonly tracker = new StateTracker();

  private wire: Wire | null = null;
  private backupWire: Wire | null = null;
  private info: BrokerInfo | null = null;
  private uris: BrokerUri[];
  private updated: BrokerUri[] = [];
  private rebalanceTarget: string | null = null;
  /** Requests sent and not answered that restore() does not rebuild, by command id (FailoverTransport.requestMap). */
  private readonly requestMap = new Map<number, Command>();
  private connectWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private permanentError: Error | null = null;
  private stopped = false;
  private connecting = false;
  private everConnected = false;
  private reconnectDelay: number;
  private timers = new Set<Timer>();

  constructor(
    brokers: BrokerUri[],
    private readonly options: FailoverOptions,
    private readonly wireOptions: WireFactoryOptions,
  ) {
    this.uris = [...brokers];
    this.reconnectDelay = options.initialReconnectDelay;
  }

  get connectedUri(): string | null {
    return this.wire === null || this.wire.isClosed ? null : this.wire.uri.text;
  }

  get brokerInfo(): BrokerInfo | null {
    return this.info;
  }

  /** The brokers failover would try now, in the order it would try them. */
  connectList(): BrokerUri[] {
    const seen = new Set<string>();
    let list: BrokerUri[] = [];
    for (const u of [...this.uris, ...this.updated]) {
      const key = `${u.host}:${u.port}`;
      if (!seen.has(key)) {
        seen.add(key);
        list.push(u);
      }
    }
    if (this.options.randomize) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    }
    // Priority URIs first (priorityBackup), and a rebalance target before everything.
    if (this.options.priorityBackup) {
      list = [...list.filter((u) => this.isPriority(u)), ...list.filter((u) => !this.isPriority(u))];
    }
    if (this.rebalanceTarget !== null) {
      const t = this.rebalanceTarget;
      list = [...list.filter((u) => sameBroker(u.text, t)), ...list.filter((u) => !sameBroker(u.text, t))];
    }
    return list;
  }

  private isPriority(u: BrokerUri): boolean {
    if (this.options.priorityURIs.length > 0) return this.options.priorityURIs.some((p) => sameBroker(p, u.text));
    return this.uris[0] !== undefined && sameBroker(this.uris[0].text, u.text);
  }

  start(): Promise<void> {
    // The first connection obeys `timeout` too: the Java client's first send (ConnectionInfo) would time out.
    const p = this.waitConnected(this.options.timeout);
    this.reconnect();
    return p;
  }

  async oneway(cmd: Command): Promise<void> {
    const command = cmd as Command & BaseCommand;
    if (this.stopped) throw new ClientError('ERR_CLIENT_TRANSPORT', 'Transport stopped');
    // FailoverTransport.oneway: while disconnected, a RemoveInfo, an ack or a ShutdownInfo is stale — the broker
    // that would have needed it is gone — so it is tracked and answered here instead of waiting for a broker
    // (closing a connection whose broker is down must not hang).
    const stale = command.type === T.SHUTDOWN_INFO || command.type === T.REMOVE_INFO || command.type === T.MESSAGE_ACK;
    if (stale && this.connectedUri === null) {
      this.tracker.track(command);
      if (command.responseRequired) {
        queueMicrotask(() =>
          this.listener.onCommand({
            type: T.RESPONSE,
            commandId: 0,
            responseRequired: false,
            correlationId: command.commandId,
          }),
        );
      }
      return;
    }
    const tracked = this.tracker.track(command);
    const isCompletion = command.type === T.TRANSACTION_INFO && command.transactionType !== TransactionType.BEGIN;
    if (!tracked || isCompletion) {
      if (command.responseRequired) this.requestMap.set(command.commandId, command);
    }
    for (;;) {
      await this.waitConnected(this.options.timeout);
      const wire = this.wire!;
      try {
        if (!wire.send(command)) await wire.drained();
        return;
      } catch {
        // The wire died under us; the request (if any) is resent after restore, a oneway is tried again.
        if (command.responseRequired) return;
      }
    }
  }

  forget(commandId: number): void {
    this.requestMap.delete(commandId);
  }

  private waitConnected(timeout: number): Promise<void> {
    if (this.permanentError !== null) return Promise.reject(this.permanentError);
    if (this.connectedUri !== null && !this.connecting) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | null = null;
      const waiter = {
        resolve: () => {
          timer?.cancel();
          resolve();
        },
        reject: (e: Error) => {
          timer?.cancel();
          reject(e);
        },
      };
      this.connectWaiters.push(waiter);
      if (timeout > 0) {
        timer = this.wireOptions.clock.setTimeout(() => {
          this.connectWaiters = this.connectWaiters.filter((w) => w !== waiter);
          // FailoverTransport.oneway's text.
          reject(new ClientError('ERR_CLIENT_TIMEOUT', `Failover timeout of ${timeout} ms reached.`));
        }, timeout);
      }
    });
  }

  /**
   * A reconnect timer. On the system clock it holds the process open (unlike systemClock's unref'd timers): a
   * client waiting for its broker to come back is work in progress, as the Java client's reconnect thread is.
   */
  private schedule(fn: () => void, ms: number): void {
    const run = (): void => {
      this.timers.delete(t);
      fn();
    };
    let t: Timer;
    if (this.wireOptions.clock === systemClock) {
      const h = setTimeout(run, ms);
      t = { cancel: () => clearTimeout(h) };
    } else {
      t = this.wireOptions.clock.setTimeout(run, ms);
    }
    this.timers.add(t);
  }

  /** The reconnect loop (FailoverTransport.doReconnect): one round over the list per attempt, back-off between. */
  private reconnect(): void {
    if (this.connecting || this.stopped) return;
    this.connecting = true;
    let failures = 0;
    const attempt = async (): Promise<void> => {
      if (this.stopped) return;
      let lastError: Error | null = null;
      const list = this.connectList();
      // A standing backup connection is the fastest way back (FailoverTransport's backups).
      const backup = this.backupWire;
      this.backupWire = null;
      if (backup !== null && !backup.isClosed) {
        if (await this.adopt(backup)) return;
      }
      for (const uri of list) {
        if (this.stopped) return;
        try {
          const wire = await openWire(uri, this.wireOptions);
          if (await this.adopt(wire)) return;
        } catch (e) {
          lastError = e as Error;
          this.wireOptions.logger.debug('Failover connect attempt failed', { uri: uri.text, error: lastError.message });
        }
      }
      failures++;
      const max =
        !this.everConnected && this.options.startupMaxReconnectAttempts !== -1
          ? this.options.startupMaxReconnectAttempts
          : this.options.maxReconnectAttempts;
      if (max !== -1 && failures >= max) {
        // FailoverTransport: "Failed to connect to [..] after: N attempt(s)".
        const err = new ClientError(
          'ERR_CLIENT_TRANSPORT',
          `Failed to connect to [${list.map((u) => u.text).join(', ')}] after: ${failures} attempt(s)`,
          { cause: lastError },
        );
        this.wireOptions.logger.error(err.message);
        this.giveUp(err);
        return;
      }
      if (failures === this.options.warnAfterReconnectAttempts) {
        this.wireOptions.logger.warn('Failed to connect after attempts, continuing to retry', {
          attempts: failures,
          uris: list.map((u) => u.text),
          error: lastError?.message,
        });
      }
      const delay = this.reconnectDelay;
      if (this.options.useExponentialBackOff) {
        this.reconnectDelay = Math.min(
          this.reconnectDelay * this.options.backOffMultiplier,
          this.options.maxReconnectDelay,
        );
      }
      this.schedule(() => void attempt(), delay);
    };
    void attempt();
  }

  /** Replays the state on `wire` and makes it the connection; false if it died on the way. */
  private async adopt(wire: Wire): Promise<boolean> {
    const restore = this.tracker.restoreCommands();
    const first = restore[0];
    if (first !== undefined && first.type === T.CONNECTION_INFO) {
      // The ConnectionInfo is answered before the rest goes: a broker that registers the connection
      // asynchronously (TideMQ does) would otherwise see the SessionInfo of a connection it does not know yet,
      // and a refusal (credentials, client id in use) makes this broker a failed attempt, not a failover.
      restore.shift();
      if (!(await this.registerConnection(wire, first))) return false;
    }
    wire.onCommand = (c) => this.onWireCommand(wire, c);
    wire.onClose = (e) => this.onWireClose(wire, e);
    try {
      for (const c of restore) wire.send(c);
      this.answerInDoubtCompletions();
      for (const c of this.requestMap.values()) wire.send(c);
    } catch {
      wire.fail(new ClientError('ERR_CLIENT_TRANSPORT', `${wire.uri.text}: failed during restore`));
      return false;
    }
    if (wire.isClosed) return false;
    const resumed = this.everConnected;
    this.wire = wire;
    this.everConnected = true;
    this.connecting = false;
    this.rebalanceTarget = null;
    this.reconnectDelay = this.options.initialReconnectDelay;
    this.wireOptions.logger.info(resumed ? 'Successfully reconnected' : 'Successfully connected', {
      uri: wire.uri.text,
    });
    if (resumed) this.listener.onResumed();
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w.resolve();
    this.startBackups();
    return true;
  }

  private registerConnection(wire: Wire, info: Command & BaseCommand): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.wireOptions.clock.setTimeout(
        () => {
          wire.fail(new ClientError('ERR_CLIENT_TIMEOUT', `${wire.uri.text}: no answer to ConnectionInfo`));
        },
        Math.max(wire.uri.transport.connectionTimeout, 1000),
      );
      wire.onClose = () => {
        timer.cancel();
        resolve(false);
      };
      wire.onCommand = (c) => {
        if (c.type === T.BROKER_INFO) this.info = c;
        if ((c.type === T.RESPONSE || c.type === T.EXCEPTION_RESPONSE) && c.correlationId === info.commandId) {
          timer.cancel();
          if (c.type === T.EXCEPTION_RESPONSE) {
            this.wireOptions.logger.warn('Broker refused the connection on reconnect', {
              uri: wire.uri.text,
              error: c.exception?.message,
            });
            wire.fail(
              new ClientError('ERR_CLIENT_TRANSPORT', `${wire.uri.text}: ${c.exception?.message ?? 'refused'}`),
            );
            return;
          }
          resolve(true);
        }
      };
      try {
        wire.send(info);
      } catch {
        timer.cancel();
        resolve(false);
      }
    });
  }

  /**
   * A commit or rollback whose response was lost: ActiveMQ (ConnectionStateTracker.restoreTransactions) answers
   * the commit with TransactionRolledBackException rather than run it twice or not at all on a broker that never
   * saw the transaction. A rollback is simply answered: the new broker holds nothing of it.
   */
  private answerInDoubtCompletions(): void {
    for (const [id, c] of [...this.requestMap]) {
      if (c.type !== T.TRANSACTION_INFO || c.transactionType === TransactionType.BEGIN) continue;
      this.requestMap.delete(id);
      const commit = c.transactionType === TransactionType.COMMIT_ONE_PHASE;
      const txid = c.transactionId === null ? 'null' : transactionIdToString(c.transactionId);
      queueMicrotask(() =>
        this.listener.onCommand(
          commit
            ? {
                type: T.EXCEPTION_RESPONSE,
                commandId: 0,
                responseRequired: false,
                correlationId: id,
                exception: {
                  className: 'javax.jms.TransactionRolledBackException',
                  message: `Transaction completion in doubt due to failover. Forcing rollback of ${txid}`,
                  stackTrace: null,
                  cause: null,
                },
              }
            : { type: T.RESPONSE, commandId: 0, responseRequired: false, correlationId: id },
        ),
      );
    }
  }

  private onWireCommand(wire: Wire, c: Command): void {
    if (wire !== this.wire) return;
    switch (c.type) {
      case T.RESPONSE:
      case T.EXCEPTION_RESPONSE:
      case T.DATA_RESPONSE:
      case T.DATA_ARRAY_RESPONSE:
      case T.INTEGER_RESPONSE:
        this.requestMap.delete(c.correlationId);
        break;
      case T.BROKER_INFO:
        this.info = c;
        break;
      case T.CONNECTION_CONTROL:
        this.onConnectionControl(c);
        break;
    }
    this.listener.onCommand(c);
  }

  /** ConnectionControl from a broker with updateClusterClients / rebalanceClusterClients. */
  private onConnectionControl(c: ConnectionControl): void {
    let changed = false;
    if (this.options.updateURIsSupported && c.connectedBrokers !== null && c.connectedBrokers.trim() !== '') {
      const list: BrokerUri[] = [];
      for (const text of c.connectedBrokers.split(',')) {
        try {
          list.push(parseNestedUri(text.trim()));
        } catch {
          this.wireOptions.logger.warn('Ignoring a cluster URI that does not parse', { uri: text });
        }
      }
      const key = (l: BrokerUri[]): string => [...new Set(l.map((u) => u.text))].sort().join(',');
      changed = key(list) !== key(this.updated);
      this.updated = list;
      if (changed) this.wireOptions.logger.info('Cluster update', { brokers: list.map((u) => u.text) });
    }
    if (c.rebalanceConnection && c.reconnectTo !== null && this.wire !== null) {
      if (!sameBroker(c.reconnectTo, this.wire.uri.text)) {
        this.wireOptions.logger.info('Rebalancing connection', { from: this.wire.uri.text, to: c.reconnectTo });
        this.rebalanceTarget = c.reconnectTo;
        if (!this.updated.some((u) => sameBroker(u.text, c.reconnectTo!))) {
          try {
            this.updated.push(parseNestedUri(c.reconnectTo));
          } catch {
            this.rebalanceTarget = null;
            return;
          }
        }
        const old = this.wire;
        queueMicrotask(() => old.fail(new ClientError('ERR_CLIENT_TRANSPORT', 'rebalance')));
      }
      return;
    }
    // The Java FailoverTransport (updateURIs → reconnect(rebalance) → doReconnect): when a rebalancing broker's
    // list changed, the client moves to the first broker of its connect list (the updated URIs first, shuffled
    // under randomize) unless it is connected there already. ActiveMQ rotates that list per client, which is how
    // clients spread out; it never sets reconnectTo for this.
    if (c.rebalanceConnection && changed && this.wire !== null) {
      const seen = new Set<string>();
      let candidates = [...this.updated, ...this.uris].filter((u) => {
        const k = `${u.host}:${u.port}`;
        return seen.has(k) ? false : (seen.add(k), true);
      });
      if (this.options.randomize) candidates = shuffled(candidates);
      const target = candidates[0];
      if (target !== undefined && !sameBroker(target.text, this.wire.uri.text)) {
        this.wireOptions.logger.info('Rebalancing connection', { from: this.wire.uri.text, to: target.text });
        this.rebalanceTarget = target.text;
        const old = this.wire;
        queueMicrotask(() => old.fail(new ClientError('ERR_CLIENT_TRANSPORT', 'rebalance')));
      }
    }
  }

  private onWireClose(wire: Wire, error: Error): void {
    if (wire === this.backupWire) this.backupWire = null;
    if (wire !== this.wire || this.stopped) return;
    this.wire = null;
    this.wireOptions.logger.warn('Transport failed, attempting to automatically reconnect', {
      uri: wire.uri.text,
      error: error.message,
    });
    if (!this.options.reconnectSupported) {
      this.giveUp(error);
      return;
    }
    this.listener.onInterrupted();
    this.reconnect();
  }

  private giveUp(error: Error): void {
    this.permanentError = error;
    this.connecting = false;
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w.reject(error);
    this.listener.onException(error);
  }

  /** Opens the backup connection and, under priorityBackup, keeps trying to move to a priority broker. */
  private startBackups(): void {
    const current = this.wire;
    if (current === null || this.stopped) return;
    if (this.options.priorityBackup && !this.isPriority(current.uri)) {
      this.schedule(() => void this.tryPriority(current), Math.max(this.options.initialReconnectDelay, 100));
    }
    if (this.options.backup && this.backupWire === null) {
      const candidate = this.connectList().find((u) => !sameBroker(u.text, current.uri.text));
      if (candidate === undefined) return;
      openWire(candidate, this.wireOptions).then(
        (w) => {
          if (this.stopped || this.wire !== current) {
            w.close();
            return;
          }
          w.onClose = () => {
            if (this.backupWire === w) this.backupWire = null;
          };
          this.backupWire = w;
        },
        () => {
          if (!this.stopped && this.wire === current)
            this.schedule(() => this.startBackups(), this.options.maxReconnectDelay / 10);
        },
      );
    }
  }

  private async tryPriority(current: Wire): Promise<void> {
    if (this.stopped || this.wire !== current || current.isClosed) return;
    for (const uri of this.connectList().filter((u) => this.isPriority(u))) {
      try {
        const w = await openWire(uri, this.wireOptions);
        if (this.stopped || this.wire !== current) {
          w.close();
          return;
        }
        this.wireOptions.logger.info('Priority broker available, moving to it', {
          from: current.uri.text,
          to: uri.text,
        });
        // Move as a failover does: prefetched messages of the old broker are void, state goes to the new one.
        this.wire = null;
        this.connecting = true;
        this.listener.onInterrupted();
        current.onClose = () => {};
        current.close();
        if (!(await this.adopt(w))) {
          this.connecting = false;
          this.reconnect();
        }
        return;
      } catch {
        // Not there yet.
      }
    }
    this.schedule(() => void this.tryPriority(current), Math.max(this.options.initialReconnectDelay, 100) * 10);
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.wire?.close();
    this.backupWire?.close();
    const err = new ClientError('ERR_CLIENT_TRANSPORT', 'Transport stopped');
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w.reject(err);
    return Promise.resolve();
  }
}

/** Two broker URIs name the same broker when host and port match (options aside). */
function shuffled<X>(list: X[]): X[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sameBroker(a: string, b: string): boolean {
  const hp = (s: string): string => {
    const m = /^[a-z+]+:\/\/(\[[^\]]+\]|[^:/?]+)(?::(\d+))?/i.exec(s.trim());
    return m === null ? s.trim() : `${m[1]}:${m[2] ?? '61616'}`;
  };
  return hp(a) === hp(b);
}
