import type { IPublishPacket, QoS } from 'mqtt-packet';
import type { ConsumerHandle, ConsumerSink, Delivery, Undeliverable } from '../../broker/broker.js';
import type { ConsumerInfo } from '../../model/commands.js';
import { PropertyType } from '../../model/properties.js';
import type { Logger } from '../../util/logger.js';
import type { Message } from '../../model/message.js';
import { messagePayload, messageQos, publishProperties, RETAINED_PROPERTY } from './message-convert.js';

/** One QoS 1/2 message written to the client and waiting for its PUBACK (or PUBREC … PUBCOMP). */
export interface InflightDelivery {
  readonly subscription: MqttSubscription;
  readonly messageId: string;
  readonly qos: 1 | 2;
}

/** What a subscription needs from its connection. */
export interface SubscriptionHost {
  /** Writable socket and room in the client's receive maximum. */
  readonly canDeliver: boolean;
  readonly v5: boolean;
  readonly logger: Logger;
  readonly maxPayload: number;
  now(): number;
  /** The MQTT topic a message goes out under (the subscription strategy decides). */
  topicOf(m: Message): string;
  /** Writes a PUBLISH; for QoS 1/2 assigns its packet id and records it in flight. */
  sendPublish(packet: IPublishPacket, inflight: InflightDelivery | null): void;
  /** A QoS 0 delivery on a subscription that acknowledges individually: consumed once written. */
  consumedAtMostOnce(sub: MqttSubscription, messageId: string): void;
}

/**
 * An MQTT subscription (one topic filter): the ConsumerSink its broker consumer delivers to, as ActiveMQ's
 * MQTTSubscription: the message's QoS is capped by the subscription's, QoS 1/2 deliveries are acknowledged
 * individually when the client's PUBACK / PUBCOMP comes, QoS 0 ones as soon as they are written.
 */
export class MqttSubscription implements ConsumerSink {
  private handle: ConsumerHandle | null = null;
  private closed = false;

  constructor(
    private readonly host: SubscriptionHost,
    /** The filter as the client wrote it. */
    readonly filter: string,
    readonly qos: QoS,
    readonly info: ConsumerInfo,
  ) {}

  get consumerId(): string {
    return this.info.consumerId;
  }

  get ready(): boolean {
    return this.handle !== null && !this.closed && this.host.canDeliver;
  }

  activate(handle: ConsumerHandle): void {
    this.handle = handle;
    handle.wakeup();
  }

  wakeup(): void {
    if (!this.closed) this.handle?.wakeup();
  }

  close(): void {
    this.closed = true;
  }

  deliver(delivery: Delivery | null): Undeliverable | undefined {
    if (this.closed || delivery === null) return undefined;
    const m = delivery.message;
    try {
      const qos = Math.min(messageQos(m), this.qos) as QoS;
      const retained = m.properties.get(RETAINED_PROPERTY);
      const packet: IPublishPacket = {
        cmd: 'publish',
        topic: this.host.topicOf(m),
        payload: messagePayload(m, this.host.maxPayload),
        qos,
        // [MQTT-3.3.1-9]: live messages go out with retain 0; the retained copy with 1.
        retain: retained !== undefined && retained.type === PropertyType.Boolean && retained.value,
        // [MQTT-3.3.1-1]: DUP marks a QoS 1/2 message sent before (a redelivery).
        dup: qos > 0 && delivery.redelivered,
      };
      if (this.host.v5) packet.properties = publishProperties(m, this.host.now());
      if (qos === 0) {
        this.host.sendPublish(packet, null);
        if (this.info.ackMode !== 'auto') this.host.consumedAtMostOnce(this, m.messageId);
      } else {
        this.host.sendPublish(packet, { subscription: this, messageId: m.messageId, qos });
      }
      return undefined;
    } catch (e) {
      // deliver must not throw: a message that cannot be converted is dead-lettered with the reason.
      const cause = `Could not convert message ${m.messageId} for MQTT: ${(e as Error).message}`;
      this.host.logger.warn(cause, { consumerId: this.consumerId });
      return { cause };
    }
  }
}
