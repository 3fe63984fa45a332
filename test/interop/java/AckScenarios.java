import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQSession;
import org.apache.activemq.transport.tcp.TcpTransport;

/** Acknowledgement modes, local transactions and what happens to unacknowledged messages. */
final class AckScenarios {
    private AckScenarios() {}

    /** Client-side redelivery after a transaction rollback is immediate, so the scenarios do not wait a second. */
    private static final String NO_REDELIVERY_DELAY = "jms.redeliveryPolicy.initialRedeliveryDelay=0";

    static void register(Map<String, Scenario> registry) {
        registry.put("client-ack-redelivery", AckScenarios::clientAck);
        registry.put("individual-ack-redelivery", AckScenarios::individualAck);
        registry.put("transacted-send", AckScenarios::transactedSend);
        registry.put("transacted-receive", AckScenarios::transactedReceive);
        registry.put("consumer-connection-closed-mid-flow", AckScenarios::closedMidFlow);
    }

    static Queue fill(Ctx ctx, String prefix, int count) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);
        for (int i = 1; i <= count; i++) {
            producer.send(session.createTextMessage(prefix + i));
        }
        return queue;
    }

    static void checkDelivery(Message message, String body, boolean redelivered, int deliveryCount) throws Exception {
        Check.equal(body, ((TextMessage) message).getText(), "body");
        Check.equal(redelivered, message.getJMSRedelivered(), "JMSRedelivered of '" + body + "'");
        Check.equal(deliveryCount, message.getIntProperty("JMSXDeliveryCount"), "JMSXDeliveryCount of '" + body + "'");
    }

    /**
     * CLIENT_ACKNOWLEDGE: acknowledge() covers every message the session delivered so far; what was delivered after
     * it comes back, marked redelivered, once the session closes.
     */
    static void clientAck(Ctx ctx) throws Exception {
        Queue queue = fill(ctx, "m", 3);
        ActiveMQConnection connection = ctx.connect();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(queue);
        checkDelivery(Ctx.expect(consumer, "m1"), "m1", false, 1);
        Message m2 = Ctx.expect(consumer, "m2");
        checkDelivery(m2, "m2", false, 1);
        m2.acknowledge();
        checkDelivery(Ctx.expect(consumer, "m3"), "m3", false, 1);
        session.close();

        session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        consumer = session.createConsumer(queue);
        Message again = Ctx.expect(consumer, "m3 after the session closed without acknowledging it");
        checkDelivery(again, "m3", true, 2);
        again.acknowledge();
        Ctx.expectNone(consumer, "m1 and m2 were acknowledged, m3 now too");
        session.close();
        session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Ctx.expectNone(session.createConsumer(queue), "queue after acknowledging m3");
    }

    /**
     * INDIVIDUAL_ACKNOWLEDGE (ActiveMQ extension): only the acknowledged messages are gone. The last message the
     * application saw (m4) is left unacknowledged on purpose: ActiveMQ marks unacknowledged messages redelivered up
     * to the RemoveInfo's lastDeliveredSequenceId only when that message is itself among them (Queue.removeSubscription).
     */
    static void individualAck(Ctx ctx) throws Exception {
        Queue queue = fill(ctx, "m", 4);
        ActiveMQConnection connection = ctx.connect();
        Session session = connection.createSession(false, ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(queue);
        List<Message> received = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Message message = Ctx.expect(consumer, "m" + i);
            checkDelivery(message, "m" + i, false, 1);
            received.add(message);
        }
        received.get(2).acknowledge();
        received.get(1).acknowledge();
        session.close();

        session = connection.createSession(false, ActiveMQSession.INDIVIDUAL_ACKNOWLEDGE);
        consumer = session.createConsumer(queue);
        for (String body : List.of("m1", "m4")) {
            Message message = Ctx.expect(consumer, body + " (not acknowledged) after the session closed");
            checkDelivery(message, body, true, 2);
            message.acknowledge();
        }
        Ctx.expectNone(consumer, "m2 and m3 were acknowledged individually");
    }

    /** A transacted producer's messages appear only on commit; rolled-back sends never appear. */
    static void transactedSend(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect();
        Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = tx.createQueue(ctx.name("q"));
        MessageProducer producer = tx.createProducer(queue);
        MessageConsumer consumer = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);

        producer.send(tx.createTextMessage("rolled back 1"));
        producer.send(tx.createTextMessage("rolled back 2"));
        Ctx.expectNone(consumer, "messages of an open transaction must not be delivered");
        tx.rollback();
        producer.send(tx.createTextMessage("committed 1"));
        producer.send(tx.createTextMessage("committed 2"));
        tx.commit();
        for (int i = 1; i <= 2; i++) {
            Check.equal("committed " + i, Ctx.expect(consumer, TextMessage.class, "committed " + i).getText(),
                    "body after commit");
        }
        Ctx.expectNone(consumer, "rolled-back messages must never be delivered");
    }

    /** A transacted consumer's rollback redelivers (JMSRedelivered, JMSXDeliveryCount 2); commit consumes. */
    static void transactedReceive(Ctx ctx) throws Exception {
        Queue queue = fill(ctx, "m", 2);
        Session tx = ctx.connect(NO_REDELIVERY_DELAY).createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = tx.createConsumer(queue);
        checkDelivery(Ctx.expect(consumer, "m1"), "m1", false, 1);
        checkDelivery(Ctx.expect(consumer, "m2"), "m2", false, 1);
        tx.rollback();
        checkDelivery(Ctx.expect(consumer, "m1 after rollback"), "m1", true, 2);
        checkDelivery(Ctx.expect(consumer, "m2 after rollback"), "m2", true, 2);
        tx.commit();
        Ctx.expectNone(consumer, "after commit");
        tx.close();
        Session other = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Ctx.expectNone(other.createConsumer(queue), "committed messages are gone for every consumer");
    }

    /**
     * A consumer's connection goes away (arg "close": Connection.close(); "drop": the TCP socket is closed with no
     * goodbye) while it holds delivered-but-unacknowledged and prefetched messages. Another consumer then gets all
     * of them, in order, and the ones the first consumer's application saw are marked redelivered.
     */
    static void closedMidFlow(Ctx ctx) throws Exception {
        String how = ctx.arg(0, "close|drop");
        if (!how.equals("close") && !how.equals("drop")) {
            throw new IllegalArgumentException("expected close or drop, got " + how);
        }
        int total = 20;
        Queue queue = fill(ctx, "m", total);
        ActiveMQConnection first = ctx.connect();
        Session session = first.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(queue);
        Ctx.expect(consumer, "m1");
        Ctx.expect(consumer, "m2").acknowledge();
        for (int i = 3; i <= 5; i++) {
            checkDelivery(Ctx.expect(consumer, "m" + i), "m" + i, false, 1);
        }
        if (how.equals("close")) {
            first.close();
        } else {
            TcpTransport tcp = Check.notNull(first.getTransport().narrow(TcpTransport.class), "no TCP transport");
            tcp.stop();
        }

        MessageConsumer second = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
        for (int i = 3; i <= total; i++) {
            Message message = Ctx.expect(second, "m" + i + " after the first consumer's connection went away");
            Check.equal("m" + i, ((TextMessage) message).getText(), "order of the handed-over messages");
            if (i <= 5) {
                Check.equal(true, message.getJMSRedelivered(), "JMSRedelivered of m" + i + " (seen by the first consumer)");
            } else if (how.equals("close")) {
                // A clean close tells the broker the last message the application saw (RemoveInfo
                // lastDeliveredSequenceId), so merely prefetched ones are not flagged. After a dropped socket the
                // broker cannot know and ActiveMQ flags them all; either answer is fine there.
                Check.equal(false, message.getJMSRedelivered(), "JMSRedelivered of m" + i + " (only prefetched)");
            }
        }
        Ctx.expectNone(second, "m1 and m2 were acknowledged");
    }
}
