import { createServer, type Server, type Socket } from 'node:net';
import { OpenWireFormat, T, type Command, type ConnectionControl } from '../../../src/protocol/openwire/codec/index.js';

/**
 * A scripted OpenWire "broker" for the client's failure tests: it negotiates like ActiveMQ (its WireFormatInfo
 * first), then behaves as `mode` says — answers every request, never answers (a stalled broker), or sends
 * bytes no broker would. It can push ConnectionControl (cluster updates) to its clients.
 */
/** 'answer-control' answers everything but messages (a broker whose store hangs). */
export type FakeMode =
  'answer' | 'answer-control' | 'stall' | 'garbage' | 'huge-frame' | 'truncated' | 'not-openwire' | 'silent';

export interface FakeBroker {
  readonly port: number;
  readonly url: string;
  /** Commands received, per connection, in order. */
  readonly received: Command[];
  readonly connections: number;
  sendToAll(command: Command): void;
  stop(): Promise<void>;
}

export async function startFakeBroker(
  mode: FakeMode,
  options: { maxInactivityDuration?: number; ignore?: (command: Command) => boolean } = {},
): Promise<FakeBroker> {
  const received: Command[] = [];
  const sockets = new Set<{ socket: Socket; format: OpenWireFormat }>();
  let connections = 0;
  const all = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    all.add(socket);
    socket.on('close', () => all.delete(socket));
    socket.on('error', () => {});
    if (mode === 'not-openwire') {
      socket.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (mode === 'silent') return;
    // No inactivity monitoring unless asked: negotiation takes the smaller value, 0 turns it off on both sides.
    const format = new OpenWireFormat({
      maxInactivityDuration: options.maxInactivityDuration ?? 0,
      maxInactivityDurationInitialDelay: 0,
    });
    const entry = { socket, format };
    sockets.add(entry);
    socket.on('close', () => sockets.delete(entry));
    socket.write(format.encode(format.preferredWireFormatInfo()));
    socket.on('data', (chunk) => {
      try {
        format.feed(chunk, (cmd) => {
          received.push(cmd);
          if (cmd.type === T.WIREFORMAT_INFO) {
            format.negotiate(cmd);
            afterHandshake(socket, format);
            return;
          }
          const isMessage = cmd.type >= T.ACTIVEMQ_MESSAGE && cmd.type <= T.ACTIVEMQ_BLOB_MESSAGE;
          const answers =
            (mode === 'answer' || (mode === 'answer-control' && !isMessage)) && options.ignore?.(cmd) !== true;
          if (answers && 'responseRequired' in cmd && cmd.responseRequired) {
            socket.write(
              format.encode({ type: T.RESPONSE, commandId: 0, responseRequired: false, correlationId: cmd.commandId }),
            );
          }
        });
      } catch {
        socket.destroy();
      }
    });
  });
  const afterHandshake = (socket: Socket, format: OpenWireFormat): void => {
    switch (mode) {
      case 'garbage':
        socket.write(Buffer.from([0, 0, 0, 12, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
        break;
      case 'huge-frame':
        // Declares 2 GiB: the client must refuse it from the 4-byte prefix, not try to buffer it.
        socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
        break;
      case 'truncated': {
        const whole = format.encode({
          type: T.BROKER_INFO,
          commandId: 1,
          responseRequired: false,
          brokerId: { type: T.BROKER_ID, value: 'fake' },
          brokerURL: null,
          peerBrokerInfos: null,
          brokerName: 'fake',
          slaveBroker: false,
          masterBroker: false,
          faultTolerantConfiguration: false,
          duplexConnection: false,
          networkConnection: false,
          connectionId: 0,
          brokerUploadUrl: null,
          networkProperties: null,
        });
        socket.end(whole.subarray(0, whole.length - 3));
        break;
      }
      default:
        break;
    }
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `tcp://127.0.0.1:${port}`,
    received,
    get connections() {
      return connections;
    },
    sendToAll(command) {
      for (const s of sockets) s.socket.write(s.format.encode(command));
    },
    stop: () =>
      new Promise<void>((r) => {
        for (const s of all) s.destroy();
        server.close(() => r());
      }),
  };
}

export function connectionControl(fields: Partial<ConnectionControl>): ConnectionControl {
  return {
    type: T.CONNECTION_CONTROL,
    commandId: 0,
    responseRequired: false,
    close: false,
    exit: false,
    faultTolerant: false,
    resume: false,
    suspend: false,
    connectedBrokers: null,
    reconnectTo: null,
    rebalanceConnection: false,
    token: null,
    ...fields,
  };
}
