/**
 * Registers the protocol modules shipped with TideMQ. Importing this file is what makes a protocol
 * available to `tidemq start` and to configuration files.
 */
import { amqpProtocol } from '../protocol/amqp/index.js';
import { mqttProtocol } from '../protocol/mqtt/index.js';
import { openWireProtocol } from '../protocol/openwire/openwire-module.js';
import { stompProtocol } from '../protocol/stomp/index.js';
import { registerProtocol } from './protocols.js';

registerProtocol(openWireProtocol);
registerProtocol(stompProtocol);
registerProtocol(amqpProtocol);
registerProtocol(mqttProtocol);
