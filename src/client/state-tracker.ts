import {
  T,
  TransactionType,
  consumerIdToString,
  destinationToString,
  producerIdToString,
  sessionIdToString,
  transactionIdToString,
  type Command,
  type ConnectionInfo,
  type ConsumerInfo,
  type DestinationInfo,
  type ProducerInfo,
  type SessionInfo,
  type TransactionInfo,
} from '../protocol/openwire/codec/index.js';

interface SessionState {
  info: SessionInfo;
  producers: Map<string, ProducerInfo>;
  consumers: Map<string, ConsumerInfo>;
}

/**
 * What failover replays on a new broker, ActiveMQ's ConnectionStateTracker: the ConnectionInfo, temporary
 * destinations, each session with its producers and consumers, and the BEGIN of each open local transaction (so
 * that sends of that transaction are not refused; the session rolls it back at commit, as the Java client forces a
 * rollback of a transaction that spanned a failover). Commands are tracked as they are sent and replayed as they
 * were, command id included, so a request whose response was lost on the old broker is answered by the new one.
 */
export class StateTracker {
  private connection: ConnectionInfo | null = null;
  private readonly tempDestinations = new Map<string, DestinationInfo>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly transactions = new Map<string, TransactionInfo>();

  /** Records `c`; true when it is state that restore() replays (so failover does not resend it as a request). */
  track(c: Command): boolean {
    switch (c.type) {
      case T.CONNECTION_INFO:
        this.connection = c;
        return true;
      case T.SESSION_INFO:
        this.sessions.set(sessionIdToString(c.sessionId!), { info: c, producers: new Map(), consumers: new Map() });
        return true;
      case T.CONSUMER_INFO: {
        const s = this.sessions.get(`${c.consumerId!.connectionId}:${c.consumerId!.sessionId}`);
        s?.consumers.set(consumerIdToString(c.consumerId!), c);
        return s !== undefined;
      }
      case T.PRODUCER_INFO: {
        const s = this.sessions.get(`${c.producerId!.connectionId}:${c.producerId!.sessionId}`);
        s?.producers.set(producerIdToString(c.producerId!), c);
        return s !== undefined;
      }
      case T.DESTINATION_INFO: {
        const d = c.destination;
        if (d === null || (d.type !== T.ACTIVEMQ_TEMP_QUEUE && d.type !== T.ACTIVEMQ_TEMP_TOPIC)) return false;
        if (c.operationType === 0) this.tempDestinations.set(destinationToString(d), c);
        else this.tempDestinations.delete(destinationToString(d));
        return true;
      }
      case T.TRANSACTION_INFO: {
        if (c.transactionId === null || c.transactionId.type !== T.ACTIVEMQ_LOCAL_TRANSACTION_ID) return false;
        const key = transactionIdToString(c.transactionId);
        if (c.transactionType === TransactionType.BEGIN) {
          this.transactions.set(key, c);
          return true;
        }
        this.transactions.delete(key);
        // Commit and rollback are not replayed: the session decides what an in-doubt completion means.
        return true;
      }
      case T.REMOVE_INFO:
        this.remove(c.objectId);
        return true;
      default:
        return false;
    }
  }

  private remove(id: unknown): void {
    const o = id as { type?: number } | null;
    if (o === null || o.type === undefined) return;
    switch (o.type) {
      case T.CONNECTION_ID:
        this.connection = null;
        this.sessions.clear();
        this.tempDestinations.clear();
        this.transactions.clear();
        break;
      case T.SESSION_ID:
        this.sessions.delete(sessionIdToString(o as never));
        break;
      case T.CONSUMER_ID: {
        const c = o as unknown as { connectionId: string; sessionId: number };
        this.sessions.get(`${c.connectionId}:${c.sessionId}`)?.consumers.delete(consumerIdToString(o as never));
        break;
      }
      case T.PRODUCER_ID: {
        const p = o as unknown as { connectionId: string; sessionId: number };
        this.sessions.get(`${p.connectionId}:${p.sessionId}`)?.producers.delete(producerIdToString(o as never));
        break;
      }
    }
  }

  /** The commands that rebuild this connection's state on a fresh broker connection, in ActiveMQ's order. */
  restoreCommands(): Command[] {
    if (this.connection === null) return [];
    // ConnectionInfo.failoverReconnect tells the broker this client id may replace a stale connection of its own.
    const out: Command[] = [{ ...this.connection, failoverReconnect: true }];
    out.push(...this.tempDestinations.values());
    for (const s of this.sessions.values()) {
      out.push(s.info, ...s.producers.values(), ...s.consumers.values());
    }
    out.push(...this.transactions.values());
    return out;
  }

  /** Whether a local transaction is open (begun, not completed). */
  hasTransaction(key: string): boolean {
    return this.transactions.has(key);
  }
}
