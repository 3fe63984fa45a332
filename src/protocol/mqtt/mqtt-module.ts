import type { Transport } from '../../transport/transport.js';
import type { ProtocolConnection, ProtocolContext, ProtocolModule } from '../protocol.js';
import { detectMqtt } from './codec/index.js';
import { MqttConnection } from './connection.js';
import { mqttSettings } from './settings.js';

/** The MQTT 3.1 / 3.1.1 / 5.0 protocol module. */
export const mqttProtocol: ProtocolModule = {
  name: 'mqtt',
  scheme: 'mqtt',
  // ActiveMQ's MQTTWSServlet answers `mqtt` and `mqttv3.1` (MQTT.js offers `mqtt`, or `mqttv3.1` for 3.1).
  webSocketSubprotocols: ['mqtt', 'mqttv3.1'],
  webSocketBinary: true,
  detect: detectMqtt,
  accept(transport: Transport, context: ProtocolContext): ProtocolConnection {
    return new MqttConnection(transport, context, mqttSettings(context.options));
  },
};
