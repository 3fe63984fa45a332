/**
 * `tidemq/client`: an OpenWire client for Node — the protocol of ActiveMQ's Java client, spoken to TideMQ or to
 * ActiveMQ Classic — with the `failover:` transport. See docs/client.md.
 *
 *   const connection = await Connection.connect('failover:(tcp://a:61616,tcp://b:61616)');
 *   const session = await connection.createSession('auto');
 *   const producer = await session.createProducer('queue://orders');
 *   await producer.send('hello', { properties: { region: 'eu' } });
 *   const consumer = await session.createConsumer('queue://orders', { selector: "region = 'eu'" });
 *   const message = await consumer.receive(1000);
 */
export { Connection, TemporaryDestination, type ClientTlsOptions, type ConnectOptions } from './connection.js';
export { Session, type ConsumerOptions } from './session.js';
export { Producer, type SendOptions } from './producer.js';
export { Consumer, type MessageListener } from './consumer.js';
export {
  ReceivedMessage,
  toDestination,
  type DestinationLike,
  type MessageBody,
  type PropertyValue,
} from './message.js';
export { ClientError, RemoteJmsError } from './errors.js';
export type { AckMode } from './session-host.js';
export { parseClientUri, type ClientUri, type FailoverOptions, type JmsUriOptions } from './uri.js';
export { typed } from '../model/properties.js';
