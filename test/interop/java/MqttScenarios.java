import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.jms.BytesMessage;
import javax.jms.DeliveryMode;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;

/**
 * The JMS side of MQTT interoperability (test/mqtt/cross-protocol.test.ts): what an MQTT PUBLISH looks like to the
 * Java client, and JMS messages an MQTT subscriber receives as their bytes.
 */
final class MqttScenarios {
    private MqttScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("mqtt-interop", MqttScenarios::mqttInterop);
    }

    /**
     * args: the ActiveMQ name of the topic MQTT publishes to (a QoS 1 "from mqtt" over and over until received),
     * then the topic the MQTT client subscribes to. Receives one PUBLISH as a persistent BytesMessage with
     * ActiveMQ.MQTT.QoS = 1, then sends a TextMessage and a BytesMessage for the MQTT subscriber.
     */
    static void mqttInterop(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createTopic(ctx.args[0]));
        BytesMessage in = Ctx.expect(consumer, BytesMessage.class, "the MQTT PUBLISH");
        byte[] body = new byte[(int) in.getBodyLength()];
        in.readBytes(body);
        Check.equal("from mqtt", new String(body, StandardCharsets.UTF_8), "payload");
        Check.equal(1, in.getIntProperty("ActiveMQ.MQTT.QoS"), "ActiveMQ.MQTT.QoS");
        Check.equal(DeliveryMode.PERSISTENT, in.getJMSDeliveryMode(), "QoS 1 is persistent");
        Check.equal(ctx.args[0], ((javax.jms.Topic) in.getJMSDestination()).getTopicName(), "JMSDestination");

        MessageProducer producer = session.createProducer(session.createTopic(ctx.args[1]));
        producer.send(session.createTextMessage("text from jms"));
        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(new byte[] {0, 1, 2, (byte) 0xff});
        producer.send(bytes);
    }
}
