import type { Broker } from '../../broker/broker.js';
import type { Timer } from '../../util/clock.js';

/**
 * What one MQTT client id keeps on this broker between its connections: the connection that holds it now
 * (for link stealing), the packet ids of QoS 1/2 messages sent to it and not yet acknowledged (so a
 * redelivery after a reconnect reuses the id, [MQTT-4.4.0-1], as ActiveMQ's MQTTPacketIdGenerator does per
 * client), and the ids of QoS 2 PUBLISHes it sent that wait for their PUBREL (exactly-once across a
 * reconnect). The subscriptions themselves are durable topic subscriptions in the broker, which survive a
 * restart; this state lives in memory, as ActiveMQ's does.
 */
export interface MqttSession {
  readonly clientId: string;
  owner: SessionOwner | null;
  /** Outbound: broker message id → packet id, for messages sent at QoS 1/2 and not yet acknowledged. */
  readonly packetIds: Map<string, number>;
  /** Inbound: QoS 2 packet ids answered with PUBREC whose PUBREL has not come. */
  readonly awaitingRelease: Set<number>;
  /** Outbound: QoS 2 packet ids released (PUBREL sent) whose PUBCOMP has not come; PUBREL is resent on resume. */
  readonly awaitingComplete: Set<number>;
  /** MQTT 5 session expiry: deletes the session's subscriptions when it fires. */
  expiry: Timer | null;
  nextPacketId: number;
}

/** The live connection of a session, which a new connection with the same client id may take over. */
export interface SessionOwner {
  /** Closes the connection because another took its client id; resolves once the broker released it. */
  takeOver(): Promise<void>;
}

const registries = new WeakMap<Broker, Map<string, MqttSession>>();

/** The sessions of one broker (every MQTT connector of a broker shares them, as client ids are broker-wide). */
export function sessionsOf(broker: Broker): Map<string, MqttSession> {
  let m = registries.get(broker);
  if (m === undefined) {
    m = new Map();
    registries.set(broker, m);
  }
  return m;
}

export function openSession(broker: Broker, clientId: string): MqttSession {
  const sessions = sessionsOf(broker);
  let s = sessions.get(clientId);
  if (s === undefined) {
    s = {
      clientId,
      owner: null,
      packetIds: new Map(),
      awaitingRelease: new Set(),
      awaitingComplete: new Set(),
      expiry: null,
      nextPacketId: 0,
    };
    sessions.set(clientId, s);
  }
  s.expiry?.cancel();
  s.expiry = null;
  return s;
}

/** A packet id for a message: the one it had if it is being sent again, else the next free one (1..65535). */
export function packetIdFor(session: MqttSession, messageId: string, inUse: (id: number) => boolean): number {
  const known = session.packetIds.get(messageId);
  if (known !== undefined) return known;
  for (let n = 0; n < 65535; n++) {
    session.nextPacketId = (session.nextPacketId % 65535) + 1;
    if (!inUse(session.nextPacketId)) break;
  }
  session.packetIds.set(messageId, session.nextPacketId);
  return session.nextPacketId;
}
