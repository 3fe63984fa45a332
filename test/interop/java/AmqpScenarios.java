import java.util.Map;
import javax.jms.BytesMessage;
import javax.jms.DeliveryMode;
import javax.jms.MapMessage;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;

/**
 * The OpenWire half of the AMQP/OpenWire scenarios (the AMQP half, with rhea, is test/amqp/amqp-openwire.test.ts;
 * the values below must match it): an AMQP message read by the real ActiveMQ JMS client with its body type and
 * typed properties, and the reverse, as ActiveMQ's JMSMappingInboundTransformer/OutboundTransformer map them.
 */
final class AmqpScenarios {
    private AmqpScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("amqp-to-openwire-check", AmqpScenarios::amqpToOpenWireCheck);
        registry.put("openwire-to-amqp-send", AmqpScenarios::openWireToAmqpSend);
    }

    /** Arg: queue name. Reads the text, bytes and map messages the rhea client sent. */
    static void amqpToOpenWireCheck(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(ctx.arg(0, "queue")));

        TextMessage text = Ctx.expect(consumer, TextMessage.class, "amqp-value string");
        Check.equal("hello from AMQP ✓", text.getText(), "text body");
        Check.equal("amqp.text", text.getJMSType(), "JMSType from subject");
        Check.equal("corr-42", text.getJMSCorrelationID(), "correlation id");
        Check.equal(7, text.getJMSPriority(), "priority from the header");
        Check.equal(DeliveryMode.PERSISTENT, text.getJMSDeliveryMode(), "durable header");
        Check.equal("red", text.getStringProperty("color"), "string property");
        Check.equal(Integer.valueOf(42), text.getObjectProperty("count"), "int property keeps its type");
        Check.equal(Long.valueOf(1234567890123L), text.getObjectProperty("big"), "long property keeps its type");
        Check.equal(Boolean.TRUE, text.getObjectProperty("flag"), "boolean property");
        Check.equal(Double.valueOf(0.5), text.getObjectProperty("ratio"), "double property");
        Check.equal("queue://replies.amqp", String.valueOf(text.getJMSReplyTo()), "reply-to");

        BytesMessage bytes = Ctx.expect(consumer, BytesMessage.class, "data section");
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(body);
        Check.equalBytes(new byte[] {0, 1, 2, (byte) 0xff}, body, "bytes body");

        MapMessage map = Ctx.expect(consumer, MapMessage.class, "amqp-value map");
        Check.equal("v", map.getString("k"), "map string entry");
        Check.equal(Integer.valueOf(3), map.getObject("n"), "map int entry");
        Ctx.expectNone(consumer, "after the three AMQP messages");
    }

    /** Arg: queue name. Sends a TextMessage, a BytesMessage and a MapMessage for the rhea client to check. */
    static void openWireToAmqpSend(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.arg(0, "queue"));
        MessageProducer producer = session.createProducer(queue);
        TextMessage text = session.createTextMessage("hello from OpenWire ✓");
        text.setJMSType("openwire.text");
        text.setJMSCorrelationID("corr-7");
        text.setStringProperty("color", "blue");
        text.setIntProperty("count", 7);
        text.setLongProperty("big", 9876543210L);
        text.setBooleanProperty("flag", true);
        producer.send(text, DeliveryMode.PERSISTENT, 6, 0);
        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(new byte[] {9, 8, 7});
        producer.send(bytes);
        MapMessage map = session.createMapMessage();
        map.setString("k", "v");
        map.setInt("n", 3);
        producer.send(map);
    }
}
