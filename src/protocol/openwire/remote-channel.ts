import type { SecurityContext } from '../../broker/broker.js';
import type * as ow from './codec/commands.js';

/**
 * One end of a network bridge's OpenWire connection to another broker, whichever side opened it: the bridge
 * that connected out (over the Node client) and the responder end of a duplex bridge (over the connection the
 * remote broker opened to us) drive the remote broker through this. Requests are matched to their answers here;
 * everything else the remote broker sends — dispatches, forwarded messages, a duplex peer's ConnectionInfo,
 * ConsumerInfo, acks, ShutdownInfo — reaches `onCommand`.
 */
export interface RemoteChannel {
  /** The remote broker's BrokerInfo (its id and name, whether it asked for duplex). */
  readonly remoteBrokerInfo: ow.BrokerInfo;
  /** Where the remote broker is, for logs. */
  readonly address: string;
  /**
   * The responder end of a duplex bridge: the identity the peer's connection was admitted with here (its bridge
   * credentials), which the responder's local side acts as. Absent on a bridge that connected out.
   */
  readonly security?: SecurityContext | null;
  /** The ConnectionId our side registered with (the client's); absent when the bridge sends its own. */
  readonly connectionId?: ow.ConnectionId;
  /** Sends without asking for an answer. */
  oneway(command: ow.Command): Promise<void>;
  /** Sends with responseRequired; resolves with the answer, rejects with the remote broker's exception. */
  request(command: ow.Command): Promise<ow.Command>;
  onCommand: ((command: ow.Command) => void) | null;
  /** The connection is gone (closed, failed, inactive). */
  onClosed: ((error: Error) => void) | null;
  close(): Promise<void>;
}
