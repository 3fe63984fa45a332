import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.jms.Destination;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.QueueBrowser;
import javax.jms.Session;
import javax.jms.TemporaryQueue;
import javax.jms.TextMessage;
import javax.jms.Topic;
import javax.jms.TopicSubscriber;
import org.apache.activemq.ActiveMQConnection;

/** Point-to-point, publish/subscribe, durable subscriptions, temporary queues, browsing and wildcards. */
final class BasicScenarios {
    private BasicScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("queue-send-receive", BasicScenarios::queueSendReceive);
        registry.put("topic-pub-sub", BasicScenarios::topicPubSub);
        registry.put("durable-subscription", BasicScenarios::durableSubscription);
        registry.put("temp-queue-request-reply", BasicScenarios::tempQueueRequestReply);
        registry.put("queue-browser", BasicScenarios::queueBrowser);
        registry.put("wildcard-consumers", BasicScenarios::wildcardConsumers);
    }

    /** Producer and consumer on separate connections; messages arrive once, in order, with their headers. */
    static void queueSendReceive(Ctx ctx) throws Exception {
        Session producerSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = producerSession.createQueue(ctx.name("q"));
        MessageProducer producer = producerSession.createProducer(queue);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            TextMessage message = producerSession.createTextMessage("message " + i);
            producer.send(message);
            ids.add(Check.notNull(message.getJMSMessageID(), "send() must assign JMSMessageID"));
        }
        Session consumerSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(queue.getQueueName()));
        for (int i = 1; i <= 3; i++) {
            TextMessage message = Ctx.expect(consumer, TextMessage.class, "message " + i);
            Check.equal("message " + i, message.getText(), "body of message " + i);
            Check.equal(ids.get(i - 1), message.getJMSMessageID(), "JMSMessageID of message " + i);
            Check.equal(queue, message.getJMSDestination(), "JMSDestination of message " + i);
            Check.equal(false, message.getJMSRedelivered(), "JMSRedelivered of message " + i);
        }
        Ctx.expectNone(consumer, "queue drained after 3 messages");
    }

    /** Every live subscriber gets every message; a message published before a subscription is not replayed. */
    static void topicPubSub(Ctx ctx) throws Exception {
        Session pubSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = pubSession.createTopic(ctx.name("t"));
        MessageProducer publisher = pubSession.createProducer(topic);
        publisher.send(pubSession.createTextMessage("before any subscriber"));
        List<MessageConsumer> subscribers = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
            subscribers.add(session.createConsumer(session.createTopic(topic.getTopicName())));
        }
        for (int i = 1; i <= 5; i++) {
            publisher.send(pubSession.createTextMessage("news " + i));
        }
        for (int s = 0; s < subscribers.size(); s++) {
            for (int i = 1; i <= 5; i++) {
                TextMessage message = Ctx.expect(subscribers.get(s), TextMessage.class, "subscriber " + s + " news " + i);
                Check.equal("news " + i, message.getText(), "subscriber " + s + " message " + i);
                Check.equal(topic, message.getJMSDestination(), "JMSDestination");
            }
            Ctx.expectNone(subscribers.get(s), "subscriber " + s + " after 5 messages");
        }
    }

    /**
     * A durable subscription keeps messages published while its consumer is offline, survives a reconnect with the
     * same client id, refuses unsubscribe while active, and after unsubscribe starts afresh.
     */
    static void durableSubscription(Ctx ctx) throws Exception {
        String clientId = ctx.name("client");
        String subName = "sub";
        Session pubSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = pubSession.createTopic(ctx.name("t"));
        MessageProducer publisher = pubSession.createProducer(topic);

        ActiveMQConnection first = ctx.connectWithClientId(clientId);
        Session session = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicSubscriber subscriber = session.createDurableSubscriber(topic, subName);
        publisher.send(pubSession.createTextMessage("online 1"));
        Check.equal("online 1", Ctx.expect(subscriber, TextMessage.class, "online message").getText(), "online body");
        first.close();

        publisher.send(pubSession.createTextMessage("offline 1"));
        publisher.send(pubSession.createTextMessage("offline 2"));

        ActiveMQConnection second = ctx.connectWithClientId(clientId);
        session = second.createSession(false, Session.AUTO_ACKNOWLEDGE);
        subscriber = session.createDurableSubscriber(topic, subName);
        for (int i = 1; i <= 2; i++) {
            TextMessage message = Ctx.expect(subscriber, TextMessage.class, "offline message " + i + " after reconnect");
            Check.equal("offline " + i, message.getText(), "offline message " + i);
        }
        Ctx.expectNone(subscriber, "durable subscriber after the two offline messages");

        try {
            session.unsubscribe(subName);
            Check.fail("unsubscribe of a durable subscription with an active consumer must fail");
        } catch (JMSException expected) {
            ctx.note("unsubscribe while active refused: " + expected.getMessage());
        }
        subscriber.close();
        session.unsubscribe(subName);

        publisher.send(pubSession.createTextMessage("after unsubscribe"));
        subscriber = session.createDurableSubscriber(topic, subName);
        Ctx.expectNone(subscriber, "a new durable subscription must not see messages from before it existed");
        publisher.send(pubSession.createTextMessage("fresh"));
        Check.equal("fresh", Ctx.expect(subscriber, TextMessage.class, "message to fresh subscription").getText(),
                "fresh subscription body");
        subscriber.close();
        session.unsubscribe(subName);
    }

    /** Request/reply over a temporary queue carried in JMSReplyTo, matched by JMSCorrelationID. */
    static void tempQueueRequestReply(Ctx ctx) throws Exception {
        Session serverSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue requests = serverSession.createQueue(ctx.name("requests"));
        MessageProducer replier = serverSession.createProducer(null);
        List<Throwable> serverErrors = Collections.synchronizedList(new ArrayList<>());
        serverSession.createConsumer(requests).setMessageListener(request -> {
            try {
                TextMessage reply = serverSession.createTextMessage(((TextMessage) request).getText().toUpperCase());
                reply.setJMSCorrelationID(request.getJMSMessageID());
                replier.send(request.getJMSReplyTo(), reply);
            } catch (JMSException | RuntimeException e) {
                serverErrors.add(e);
            }
        });

        ActiveMQConnection client = ctx.connect();
        Session session = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue replyQueue = session.createTemporaryQueue();
        Check.isTrue(replyQueue.getQueueName().startsWith("ID:"), "temporary queue name starts with the connection id, "
                + "got " + replyQueue.getQueueName());
        MessageConsumer replies = session.createConsumer(replyQueue);
        MessageProducer producer = session.createProducer(session.createQueue(requests.getQueueName()));
        List<String> requestIds = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            TextMessage request = session.createTextMessage("request " + i);
            request.setJMSReplyTo(replyQueue);
            producer.send(request);
            requestIds.add(request.getJMSMessageID());
        }
        for (int i = 1; i <= 3; i++) {
            TextMessage reply = Ctx.expect(replies, TextMessage.class, "reply " + i);
            Check.isTrue(serverErrors.isEmpty(), "replier failed: " + serverErrors);
            Check.equal(requestIds.get(i - 1), reply.getJMSCorrelationID(), "JMSCorrelationID of reply " + i);
            Check.equal("REQUEST " + i, reply.getText(), "reply body " + i);
            Check.equal(replyQueue, reply.getJMSDestination(), "reply JMSDestination");
        }
        replies.close();
        replyQueue.delete();
        Check.isTrue(serverErrors.isEmpty(), "replier failed: " + serverErrors);
    }

    /** A browser sees the queue in order (with and without a selector) and consumes nothing. */
    static void queueBrowser(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);
        for (int i = 1; i <= 5; i++) {
            TextMessage message = session.createTextMessage("item " + i);
            message.setIntProperty("n", i);
            producer.send(message);
        }
        Check.equal(List.of("item 1", "item 2", "item 3", "item 4", "item 5"), browse(session.createBrowser(queue)),
                "browsed bodies");
        Check.equal(List.of("item 2", "item 4"), browse(session.createBrowser(queue, "n = 2 OR n = 4")),
                "browsed bodies with selector 'n = 2 OR n = 4'");
        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 1; i <= 5; i++) {
            Check.equal("item " + i, Ctx.expect(consumer, TextMessage.class, "item " + i + " after browsing").getText(),
                    "consumed body " + i + " (browsing must not consume)");
        }
        Ctx.expectNone(consumer, "queue after consuming the browsed messages");
        Check.equal(List.of(), browse(session.createBrowser(queue)), "browsing the drained queue");
    }

    private static List<String> browse(QueueBrowser browser) throws JMSException {
        List<String> bodies = new ArrayList<>();
        Enumeration<?> messages = browser.getEnumeration();
        while (messages.hasMoreElements()) {
            bodies.add(((TextMessage) messages.nextElement()).getText());
        }
        browser.close();
        return bodies;
    }

    /** {@code >} matches any number of trailing segments, {@code *} exactly one; JMSDestination is the real topic. */
    static void wildcardConsumers(Ctx ctx) throws Exception {
        String root = ctx.name("FOO");
        String other = ctx.name("BAR");
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer any = session.createConsumer(session.createTopic(root + ".>"));
        MessageConsumer one = session.createConsumer(session.createTopic(root + ".*"));
        MessageProducer producer = session.createProducer(null);
        for (String name : List.of(root + ".A", root + ".A.B", root + ".B", other + ".A", root)) {
            producer.send(session.createTopic(name), session.createTextMessage(name));
        }
        // On ActiveMQ `>` matches zero or more trailing segments, so FOO.> also takes FOO itself
        // (PrefixDestinationFilter accepts a path as long as the prefix without the `>`).
        Check.equal(new TreeSet<>(List.of(root, root + ".A", root + ".A.B", root + ".B")), drain(any, 4, root + ".>"),
                "topics received by " + root + ".>");
        Check.equal(new TreeSet<>(List.of(root + ".A", root + ".B")), drain(one, 2, root + ".*"),
                "topics received by " + root + ".*");
    }

    /** Receives exactly {@code count} messages, checks each body names its JMSDestination, returns the names. */
    private static TreeSet<String> drain(MessageConsumer consumer, int count, String what) throws JMSException {
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            TextMessage message = Ctx.expect(consumer, TextMessage.class, what + " message " + (i + 1) + " of " + count);
            Destination destination = message.getJMSDestination();
            String topicName = ((Topic) destination).getTopicName();
            Check.equal(message.getText(), topicName, "JMSDestination of a message received through " + what);
            names.add(topicName);
        }
        Message extra = consumer.receive(Ctx.QUIET_MS);
        if (extra != null) {
            Check.fail(what + " received an unexpected message: " + ((TextMessage) extra).getText() + " (had " + names + ")");
        }
        return names;
    }
}
