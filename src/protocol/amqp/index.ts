export { amqpProtocol, detectAmqp } from './amqp-module.js';
export { AmqpConnection } from './connection.js';
export { amqpSettings, type AmqpSettings } from './settings.js';
