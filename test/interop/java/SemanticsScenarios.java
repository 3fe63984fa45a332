import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.jms.InvalidSelectorException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TemporaryTopic;
import javax.jms.TextMessage;
import javax.jms.Topic;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ConsumerInfo;

/**
 * JMS/ActiveMQ messaging semantics on the broker's default configuration (so every scenario here also runs
 * against Debian's ActiveMQ): dead letters after the client's redelivery policy, selectors, expiry, message
 * groups, exclusive consumers, temporary topics and consumer advisories.
 */
final class SemanticsScenarios {
    private SemanticsScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("dlq-after-client-redelivery", SemanticsScenarios::dlqAfterRedelivery);
        registry.put("selectors-queue-topic", SemanticsScenarios::selectors);
        registry.put("invalid-selector", SemanticsScenarios::invalidSelector);
        registry.put("expired-not-delivered", SemanticsScenarios::expired);
        registry.put("message-groups", SemanticsScenarios::messageGroups);
        registry.put("exclusive-consumer-failover", SemanticsScenarios::exclusiveConsumer);
        registry.put("temporary-topic", SemanticsScenarios::temporaryTopic);
        registry.put("consumer-advisory", SemanticsScenarios::consumerAdvisory);
        // Scenarios that need test/interop/semantics-configured.test.ts's activemq.xml.
        ConfiguredScenarios.register(registry);
    }

    /**
     * The Java client's default RedeliveryPolicy (maximumRedeliveries 6): after the first delivery and 6
     * redeliveries are rolled back, the 7th rollback sends a POISON ack and the broker moves the message to the
     * shared ActiveMQ.DLQ with dlqDeliveryFailureCause naming the policy. The delay is 0 to keep the run short.
     */
    static void dlqAfterRedelivery(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.redeliveryPolicy.initialRedeliveryDelay=0",
                "jms.redeliveryPolicy.redeliveryDelay=0");
        Session producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = producerSession.createQueue(ctx.name("q"));
        TextMessage sent = producerSession.createTextMessage("poison");
        producerSession.createProducer(queue).send(sent);
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(queue);
        for (int delivery = 1; delivery <= 7; delivery++) {
            Message m = Ctx.expect(consumer, "delivery " + delivery + " of 7");
            Check.equal(delivery, m.getIntProperty("JMSXDeliveryCount"), "JMSXDeliveryCount");
            session.rollback();
        }
        Ctx.expectNone(consumer, "the message after the redelivery policy gave up");
        consumer.close();
        Session dlqSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        // ActiveMQ.DLQ is shared by every scenario and run: pick this message out by its id.
        MessageConsumer dlq = dlqSession.createConsumer(dlqSession.createQueue("ActiveMQ.DLQ"),
                "JMSMessageID = '" + sent.getJMSMessageID() + "'");
        TextMessage dead = Ctx.expect(dlq, TextMessage.class, "the message in ActiveMQ.DLQ");
        Check.equal("poison", dead.getText(), "DLQ body");
        String cause = dead.getStringProperty("dlqDeliveryFailureCause");
        Check.notNull(cause, "dlqDeliveryFailureCause must be set");
        Check.isTrue(cause.contains("exceeds redelivery policy limit"), "dlqDeliveryFailureCause names the policy: " + cause);
        Check.equal(queue, ((ActiveMQMessage) dead).getOriginalDestination(), "originalDestination");
        ctx.note("cause: " + cause.substring(0, Math.min(80, cause.length())));
    }

    /** Selectors on a queue consumer and a topic subscriber, over headers and typed properties. */
    static void selectors(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        Topic topic = session.createTopic(ctx.name("t"));
        MessageConsumer red = session.createConsumer(queue, "color = 'red' AND weight > 5");
        MessageConsumer heavy = session.createConsumer(topic, "weight BETWEEN 10 AND 20 OR JMSPriority = 9");
        MessageProducer producer = session.createProducer(null);
        String[][] specs = {{"red", "7"}, {"blue", "12"}, {"red", "3"}, {"red", "15"}};
        for (String[] spec : specs) {
            for (javax.jms.Destination d : new javax.jms.Destination[] {queue, topic}) {
                TextMessage m = session.createTextMessage(spec[0] + spec[1]);
                m.setStringProperty("color", spec[0]);
                m.setIntProperty("weight", Integer.parseInt(spec[1]));
                producer.send(d, m);
            }
        }
        List<String> got = new ArrayList<>();
        got.add(Ctx.expect(red, TextMessage.class, "red7").getText());
        got.add(Ctx.expect(red, TextMessage.class, "red15").getText());
        Check.equal(List.of("red7", "red15"), got, "queue selector");
        Ctx.expectNone(red, "queue selector after red15");
        got.clear();
        got.add(Ctx.expect(heavy, TextMessage.class, "blue12").getText());
        got.add(Ctx.expect(heavy, TextMessage.class, "red15").getText());
        Check.equal(List.of("blue12", "red15"), got, "topic selector");
        Ctx.expectNone(heavy, "topic selector after red15");
    }

    static void invalidSelector(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (javax.jms.Destination d : new javax.jms.Destination[] {
                session.createQueue(ctx.name("q")), session.createTopic(ctx.name("t"))}) {
            try {
                session.createConsumer(d, "color = = 'red'");
                Check.fail("a malformed selector on " + d + " must be refused");
            } catch (InvalidSelectorException expected) {
                // what JMS requires
            }
        }
    }

    /** A message whose time to live runs out before anyone consumes it is never delivered. */
    static void expired(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("short-lived"), javax.jms.DeliveryMode.PERSISTENT, 4, 300);
        producer.send(session.createTextMessage("lasting"));
        Thread.sleep(800);
        MessageConsumer consumer = session.createConsumer(queue);
        Check.equal("lasting", Ctx.expect(consumer, TextMessage.class, "the message without TTL").getText(), "body");
        Ctx.expectNone(consumer, "the expired message");
    }

    /** Every message of a group goes to the same consumer while others get other groups. */
    static void messageGroups(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.prefetchPolicy.all=100");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer a = session.createConsumer(queue);
        Session other = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer b = other.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 10; i++) {
            TextMessage m = session.createTextMessage("m" + i);
            m.setStringProperty("JMSXGroupID", i % 2 == 0 ? "EVEN" : "ODD");
            producer.send(m);
        }
        String groupOfA = null;
        String groupOfB = null;
        for (int i = 0; i < 5; i++) {
            Message ma = Ctx.expect(a, "5 messages for consumer a");
            Message mb = Ctx.expect(b, "5 messages for consumer b");
            String ga = ma.getStringProperty("JMSXGroupID");
            String gb = mb.getStringProperty("JMSXGroupID");
            // The broker marks the delivery that made a consumer the group's owner (JMSXGroupFirstForConsumer).
            Check.equal(i == 0, ((org.apache.activemq.command.ActiveMQMessage) ma).isJMSXGroupFirstForConsumer(),
                    "JMSXGroupFirstForConsumer of consumer a's message " + (i + 1));
            Check.equal(i == 0, ((org.apache.activemq.command.ActiveMQMessage) mb).isJMSXGroupFirstForConsumer(),
                    "JMSXGroupFirstForConsumer of consumer b's message " + (i + 1));
            groupOfA = groupOfA == null ? ga : groupOfA;
            groupOfB = groupOfB == null ? gb : groupOfB;
            Check.equal(groupOfA, ga, "consumer a keeps its group");
            Check.equal(groupOfB, gb, "consumer b keeps its group");
        }
        Check.isTrue(!groupOfA.equals(groupOfB), "the two groups went to different consumers");
    }

    /** An exclusive consumer takes everything; when it closes the next one takes over. */
    static void exclusiveConsumer(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.prefetchPolicy.all=1");
        Session s1 = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = s1.createQueue(ctx.name("q") + "?consumer.exclusive=true");
        MessageConsumer first = s1.createConsumer(queue);
        Session s2 = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer second = s2.createConsumer(queue);
        MessageProducer producer = s1.createProducer(s1.createQueue(ctx.name("q")));
        for (int i = 1; i <= 4; i++) {
            producer.send(s1.createTextMessage("m" + i));
        }
        for (int i = 1; i <= 2; i++) {
            Message m = Ctx.expect(first, "m" + i + " to the exclusive consumer");
            Check.equal("m" + i, ((TextMessage) m).getText(), "order");
            m.acknowledge();
        }
        Ctx.expectNone(second, "the second consumer while the first is attached");
        first.close();
        for (int i = 3; i <= 4; i++) {
            Message m = Ctx.expect(second, "m" + i + " after failover");
            Check.equal("m" + i, ((TextMessage) m).getText(), "order after failover");
            m.acknowledge();
        }
    }

    static void temporaryTopic(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryTopic topic = session.createTemporaryTopic();
        MessageConsumer consumer = session.createConsumer(topic);
        Session other = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        other.createProducer(topic).send(other.createTextMessage("to a temp topic"));
        Check.equal("to a temp topic", Ctx.expect(consumer, TextMessage.class, "temp topic message").getText(), "body");
        consumer.close();
        topic.delete();
    }

    /** ActiveMQ.Advisory.Consumer.Queue.<name> carries the new consumer's ConsumerInfo as its data structure. */
    static void consumerAdvisory(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        String name = ctx.name("q");
        MessageConsumer advisories = session.createConsumer(session.createTopic("ActiveMQ.Advisory.Consumer.Queue." + name));
        Session other = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer watched = other.createConsumer(other.createQueue(name), "a = 1");
        ActiveMQMessage advisory = Ctx.expect(advisories, ActiveMQMessage.class, "consumer advisory");
        ConsumerInfo info = Check.instanceOf(ConsumerInfo.class, advisory.getDataStructure(), "advisory data structure");
        Check.equal(name, info.getDestination().getPhysicalName(), "advisory ConsumerInfo destination");
        Check.equal("a = 1", info.getSelector(), "advisory ConsumerInfo selector");
        Check.equal(1, advisory.getIntProperty("consumerCount"), "consumerCount");
        watched.close();
    }
}
