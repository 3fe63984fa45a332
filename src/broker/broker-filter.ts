import type { ConsumerInfo, MessageAck, ProducerInfo } from '../model/commands.js';
import type { Destination } from '../model/destination.js';
import type { Message } from '../model/message.js';
import type { BrokerError } from '../util/errors.js';
import type { Broker, ConnectionContext, ConsumerHandle, ConsumerSink } from './broker.js';

/**
 * Delegates every call to the next broker in the chain. A plugin extends it and overrides only the calls
 * it cares about, as ActiveMQ's BrokerFilter does.
 */
export class BrokerFilter implements Broker {
  constructor(protected readonly next: Broker) {}

  get brokerName(): string {
    return this.next.brokerName;
  }
  get brokerId(): string {
    return this.next.brokerId;
  }
  start(): Promise<void> {
    return this.next.start();
  }
  stop(): Promise<void> {
    return this.next.stop();
  }
  addConnection(context: ConnectionContext): Promise<void> {
    return this.next.addConnection(context);
  }
  removeConnection(context: ConnectionContext, error?: BrokerError): Promise<void> {
    return this.next.removeConnection(context, error);
  }
  addProducer(context: ConnectionContext, info: ProducerInfo): Promise<void> {
    return this.next.addProducer(context, info);
  }
  removeProducer(context: ConnectionContext, producerId: string): Promise<void> {
    return this.next.removeProducer(context, producerId);
  }
  addConsumer(context: ConnectionContext, info: ConsumerInfo, sink: ConsumerSink): Promise<ConsumerHandle> {
    return this.next.addConsumer(context, info, sink);
  }
  removeConsumer(context: ConnectionContext, consumerId: string, lastDeliveredSequence?: number): Promise<void> {
    return this.next.removeConsumer(context, consumerId, lastDeliveredSequence);
  }
  removeSubscription(context: ConnectionContext, clientId: string, subscriptionName: string): Promise<void> {
    return this.next.removeSubscription(context, clientId, subscriptionName);
  }
  durableSubscriptions(clientId: string): string[] {
    return this.next.durableSubscriptions?.(clientId) ?? [];
  }
  durableSubscriptionInfo(clientId: string, subscriptionName: string): ConsumerInfo | null {
    return this.next.durableSubscriptionInfo?.(clientId, subscriptionName) ?? null;
  }
  send(context: ConnectionContext, message: Message, transactionId: string | null): Promise<void> {
    return this.next.send(context, message, transactionId);
  }
  acknowledge(context: ConnectionContext, ack: MessageAck): Promise<void> {
    return this.next.acknowledge(context, ack);
  }
  pull(context: ConnectionContext, consumerId: string, timeoutMs: number): void {
    this.next.pull(context, consumerId, timeoutMs);
  }
  beginTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    return this.next.beginTransaction(context, transactionId);
  }
  prepareTransaction(context: ConnectionContext, transactionId: string): Promise<number> {
    return this.next.prepareTransaction(context, transactionId);
  }
  commitTransaction(context: ConnectionContext, transactionId: string, onePhase: boolean): Promise<void> {
    return this.next.commitTransaction(context, transactionId, onePhase);
  }
  rollbackTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    return this.next.rollbackTransaction(context, transactionId);
  }
  forgetTransaction(context: ConnectionContext, transactionId: string): Promise<void> {
    return this.next.forgetTransaction(context, transactionId);
  }
  getPreparedTransactions(context: ConnectionContext): Promise<string[]> {
    return this.next.getPreparedTransactions(context);
  }
  addDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    return this.next.addDestination(context, destination);
  }
  removeDestination(context: ConnectionContext, destination: Destination): Promise<void> {
    return this.next.removeDestination(context, destination);
  }
  getDestinations(): Destination[] {
    return this.next.getDestinations();
  }
  destinationExists(destination: Destination): boolean {
    return this.next.destinationExists(destination);
  }
}
