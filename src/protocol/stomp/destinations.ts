import { Destination } from '../../model/destination.js';
import { StompProtocolError } from './protocol-error.js';

const QUEUE = '/queue/';
const TOPIC = '/topic/';
const TEMP_QUEUE = '/temp-queue/';
const TEMP_TOPIC = '/temp-topic/';
const REMOTE_TEMP_QUEUE = '/remote-temp-queue/';
const REMOTE_TEMP_TOPIC = '/remote-temp-topic/';

/**
 * STOMP destination names to ActiveMQ destinations and back, as ActiveMQ's LegacyFrameTranslator maps them:
 * `/queue/x`, `/topic/x`, `/remote-temp-queue/x`, `/remote-temp-topic/x` name existing destinations;
 * `/temp-queue/x` and `/temp-topic/x` name a temporary destination this connection creates on first use
 * (physical name `<connectionId>:<n>`), and messages to it show the same STOMP name back. A comma-separated
 * list is a composite destination.
 */
export class StompDestinations {
  private readonly temps = new Map<string, Destination>();
  private readonly tempNames = new Map<Destination, string>();
  private tempSequence = 0;

  constructor(private readonly connectionId: string) {}

  /**
   * Maps a STOMP name. `fallback` is ActiveMQ's forceFallback: for SEND/SUBSCRIBE/UNSUBSCRIBE a name without a
   * known prefix becomes a queue of that name; without it (reply-to) such a name is an error. `created`
   * receives each temporary destination made here, for the converter to register with the broker.
   */
  toDestination(name: string, fallback: boolean, created: (d: Destination) => void = () => {}): Destination {
    const trimmed = name.trim();
    const parts = trimmed.split(',');
    const members: Destination[] = [];
    for (const part of parts) {
      let d: Destination;
      if (part.startsWith(QUEUE)) d = Destination.queue(part.slice(QUEUE.length));
      else if (part.startsWith(TOPIC)) d = Destination.topic(part.slice(TOPIC.length));
      else if (part.startsWith(REMOTE_TEMP_QUEUE))
        d = Destination.of('temp-queue', part.slice(REMOTE_TEMP_QUEUE.length));
      else if (part.startsWith(REMOTE_TEMP_TOPIC))
        d = Destination.of('temp-topic', part.slice(REMOTE_TEMP_TOPIC.length));
      else if (part.startsWith(TEMP_QUEUE)) d = this.temp(part, 'temp-queue', created);
      else if (part.startsWith(TEMP_TOPIC)) d = this.temp(part, 'temp-topic', created);
      else if (fallback) {
        // ActiveMQ's DefaultUnresolvedDestinationTransformer turns an unprefixed name into a queue; for a
        // one-character name it uses the untrimmed original.
        d = Destination.queue(part.length === 1 ? name : part);
      } else {
        throw new StompProtocolError(
          `Illegal destination name: [${name}] -- ActiveMQ STOMP destinations must begin with one of: /queue/ /topic/ /temp-queue/ /temp-topic/`,
        );
      }
      members.push(d);
    }
    if (members.length === 1) return members[0]!;
    // A composite takes the first member's type; the others keep theirs through their qualified names, as
    // ActiveMQDestination.createDestination reads `queue://a,topic://b`.
    const first = members[0]!;
    const rest = members.slice(1).map((m) => m.key);
    return Destination.of(first.type, [first.name, ...rest].join(','));
  }

  /** The STOMP name a client sees for `d`. */
  toStompName(d: Destination): string {
    const own = this.tempNames.get(d);
    if (own !== undefined) return own;
    switch (d.type) {
      case 'queue':
        return QUEUE + d.name;
      case 'topic':
        return TOPIC + d.name;
      case 'temp-queue':
        return REMOTE_TEMP_QUEUE + d.name;
      case 'temp-topic':
        return REMOTE_TEMP_TOPIC + d.name;
    }
  }

  private temp(stompName: string, type: 'temp-queue' | 'temp-topic', created: (d: Destination) => void): Destination {
    let d = this.temps.get(stompName);
    if (d === undefined) {
      d = Destination.of(type, `${this.connectionId}:${++this.tempSequence}`);
      this.temps.set(stompName, d);
      this.tempNames.set(d, stompName);
      created(d);
    }
    return d;
  }
}
