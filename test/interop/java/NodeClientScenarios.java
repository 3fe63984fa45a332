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
 * The Java half of the Node client's cross-client scenarios (test/client/client-interop.test.ts): the real
 * ActiveMQ Java client and TideMQ's Node client on the same queue, each reading what the other wrote.
 */
final class NodeClientScenarios {
    private NodeClientScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("node-client-java-receive", NodeClientScenarios::javaReceive);
        registry.put("node-client-java-send", NodeClientScenarios::javaSend);
    }

    /**
     * Args: queue, count. Receives what the Node client sent: `count` TextMessages "node-i" (int property i, long
     * property big = 2^40 + i, JMSType node, persistent, priority 6, correlation id c-i), then a BytesMessage
     * {1,2,3} and a MapMessage {a: 1, b: "two"}.
     */
    static void javaReceive(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(ctx.arg(0, "queue")));
        int count = Integer.parseInt(ctx.arg(1, "count"));
        TextMessage last = null;
        for (int i = 0; i < count; i++) {
            TextMessage m = Ctx.expect(consumer, TextMessage.class, "text " + i);
            Check.equal("node-" + i, m.getText(), "text body");
            Check.equal(i, m.getObjectProperty("i"), "int property i");
            Check.equal((1L << 40) + i, m.getObjectProperty("big"), "long property big");
            Check.equal("node", m.getJMSType(), "JMSType");
            Check.equal("c-" + i, m.getJMSCorrelationID(), "correlation id");
            Check.equal(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode(), "delivery mode");
            Check.equal(6, m.getJMSPriority(), "priority");
            Check.isTrue(m.getJMSMessageID().startsWith("ID:"), "message id " + m.getJMSMessageID());
            last = m;
        }
        BytesMessage bytes = Ctx.expect(consumer, BytesMessage.class, "bytes");
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(body);
        Check.equalBytes(new byte[] {1, 2, 3}, body, "bytes body");
        MapMessage map = Ctx.expect(consumer, MapMessage.class, "map");
        Check.equal(1, map.getObject("a"), "map entry a");
        Check.equal("two", map.getObject("b"), "map entry b");
        map.acknowledge();
        Ctx.expectNone(consumer, "after the Node client's messages");
        ctx.note("received " + count + " text messages, last " + (last == null ? "none" : last.getJMSMessageID()));
    }

    /** Args: queue, count. Sends `count` TextMessages "java-i" (int property i, String property from=java). */
    static void javaSend(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.arg(0, "queue"));
        MessageProducer producer = session.createProducer(queue);
        int count = Integer.parseInt(ctx.arg(1, "count"));
        for (int i = 0; i < count; i++) {
            TextMessage m = session.createTextMessage("java-" + i);
            m.setIntProperty("i", i);
            m.setStringProperty("from", "java");
            producer.send(m);
        }
        MapMessage map = session.createMapMessage();
        map.setInt("a", 1);
        map.setString("b", "two");
        producer.send(map);
    }
}
