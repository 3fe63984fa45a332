/**
 * The transportConnector schemes ActiveMQ Classic registers (META-INF/services/org/apache/activemq/transport/*),
 * and what each one means for us: which protocol the connector speaks, whether it is TLS, whether it is a
 * WebSocket endpoint. `nio` only changes ActiveMQ's threading model; Node has one model, so we record it and
 * otherwise treat `nio` like `tcp`.
 */
export type ConnectorProtocol = 'openwire' | 'stomp' | 'amqp' | 'mqtt' | 'auto';

export interface SchemeInfo {
  readonly protocol: ConnectorProtocol;
  readonly tls: boolean;
  readonly websocket: boolean;
  readonly nio: boolean;
}

function variants(prefix: string, protocol: ConnectorProtocol): Array<[string, SchemeInfo]> {
  const p = prefix === '' ? '' : `${prefix}+`;
  const base = prefix === '' ? 'tcp' : prefix;
  return [
    [base, { protocol, tls: false, websocket: false, nio: false }],
    [`${p}ssl`, { protocol, tls: true, websocket: false, nio: false }],
    [`${p}nio`, { protocol, tls: false, websocket: false, nio: true }],
    [`${p}nio+ssl`, { protocol, tls: true, websocket: false, nio: true }],
  ];
}

const table = new Map<string, SchemeInfo>([
  // OpenWire: tcp, ssl, nio, nio+ssl.
  ...variants('', 'openwire'),
  ...variants('stomp', 'stomp'),
  ...variants('auto', 'auto'),
  ...variants('amqp', 'amqp'),
  ...variants('mqtt', 'mqtt'),
  // ws/wss: ActiveMQ's WSServlet picks STOMP or MQTT by subprotocol; this broker serves STOMP over it for now.
  ['ws', { protocol: 'stomp', tls: false, websocket: true, nio: false }],
  ['wss', { protocol: 'stomp', tls: true, websocket: true, nio: false }],
  // ActiveMQ's AmqpWSTransportFactory: AMQP over WebSocket (subprotocol `amqp`) on a connector of its own.
  ['amqp+ws', { protocol: 'amqp', tls: false, websocket: true, nio: false }],
  ['amqp+wss', { protocol: 'amqp', tls: true, websocket: true, nio: false }],
]);

export const connectorSchemes: readonly string[] = [...table.keys()];

/** The scheme's meaning, or undefined when ActiveMQ has no such transportConnector scheme (or we do not serve it). */
export function schemeInfo(scheme: string): SchemeInfo | undefined {
  return table.get(scheme);
}

/** ActiveMQ's documented default port for each protocol; used only in error hints, never silently applied. */
export const defaultPorts: Readonly<Record<ConnectorProtocol | 'ws', number>> = {
  openwire: 61616,
  auto: 61616,
  stomp: 61613,
  ws: 61614,
  amqp: 5672,
  mqtt: 1883,
};
