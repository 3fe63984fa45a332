/**
 * The text of ActiveMQ's multicast discovery datagrams (MulticastDiscoveryAgent 5.17), one per packet:
 *
 *   <group>.ActiveMQ-4.alive.%<brokerName>%<service>     "I am here"   (every keepAliveInterval)
 *   <group>.ActiveMQ-4.dead.%<brokerName>%<service>      "I am going"  (once, when the agent stops)
 *
 * `<group>.ActiveMQ-4.` is the agent's type (getType()); a datagram of another group or type is not ours.
 * ActiveMQ writes the literal `localhost` as the broker name and never reads it back (only the service is
 * used); TideMQ writes its broker name there, which ActiveMQ parses the same way (see docs/clustering.md).
 */
const TYPE_SUFFIX = 'ActiveMQ-4.';
const ALIVE = 'alive.';
const DEAD = 'dead.';
const DELIMITER = '%';

/** ActiveMQ's receive buffer (BUFF_SIZE): nothing it sends is longer, and a longer datagram is not read. */
export const MAX_DATAGRAM_BYTES = 8192;

export interface DiscoveryDatagram {
  readonly alive: boolean;
  readonly brokerName: string;
  readonly service: string;
}

/** The agent's type for a group: `default.ActiveMQ-4.` (MulticastDiscoveryAgent.getType). */
export function discoveryType(group: string): string {
  return `${group}.${TYPE_SUFFIX}`;
}

export function encodeDatagram(group: string, d: DiscoveryDatagram): string {
  // A '%' in the name would move where a reader finds the service; ActiveMQ's own constant stands in for it.
  const name = d.brokerName.includes(DELIMITER) || d.brokerName.length === 0 ? 'localhost' : d.brokerName;
  return `${discoveryType(group)}${d.alive ? ALIVE : DEAD}${DELIMITER}${name}${DELIMITER}${d.service}`;
}

/**
 * Reads a datagram of `group`, or returns null when it is another group's or is malformed. ActiveMQ takes any
 * payload that is not `alive.` as `dead.` and throws on one without the two `%` (which ends its receive thread,
 * so a single stray packet stops its discovery for good); here such a packet is simply not ours.
 */
export function decodeDatagram(group: string, text: string): DiscoveryDatagram | null {
  const type = discoveryType(group);
  if (!text.startsWith(type)) return null;
  const payload = text.slice(type.length);
  let alive: boolean;
  let rest: string;
  if (payload.startsWith(ALIVE)) {
    alive = true;
    rest = payload.slice(ALIVE.length);
  } else if (payload.startsWith(DEAD)) {
    alive = false;
    rest = payload.slice(DEAD.length);
  } else {
    return null;
  }
  // getBrokerName: the text between the first two '%'; the service is everything after the second.
  if (!rest.startsWith(DELIMITER)) return null;
  const end = rest.indexOf(DELIMITER, 1);
  if (end < 0) return null;
  const brokerName = rest.slice(1, end);
  const service = rest.slice(end + 1);
  if (!isPlausibleService(service)) return null;
  return { alive, brokerName, service };
}

/**
 * A service a bridge could be pointed at: `scheme://…`, printable, no whitespace. Anything else on the group
 * (a stray or hostile packet) is not offered to the network connector.
 */
function isPlausibleService(service: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s\u0000-\u001f\u007f]+$/.test(service);
}
