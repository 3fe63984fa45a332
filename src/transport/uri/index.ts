/** transportConnector URI parsing: `parseConnectorUri('ssl://0.0.0.0:61617?transport.needClientAuth=true')`. */
export { parseConnectorUri } from './connector-uri.js';
export type { ConnectorOptions, ConnectorUri } from './connector-uri.js';
export { connectorSchemes, defaultPorts, schemeInfo } from './schemes.js';
export type { ConnectorProtocol, SchemeInfo } from './schemes.js';
export type {
  AmqpFormatOptions,
  AutoOptions,
  AutoProtocol,
  ConnectionOptions,
  ConnectorAttributes,
  MqttFormatOptions,
  OpenWireFormatOptions,
  ServerOptions,
  StompFormatOptions,
  TlsUriOptions,
  WireFormats,
} from './option-catalogue.js';
