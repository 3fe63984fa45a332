import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQMessageConsumer;

/** Prefetch (consumer credit), send modes and connection keep-alive. */
final class FlowScenarios {
    private FlowScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("prefetch", FlowScenarios::prefetch);
        registry.put("prefetch-zero", FlowScenarios::prefetchZero);
        registry.put("async-sync-send", FlowScenarios::asyncSyncSend);
        registry.put("idle-keepalive", FlowScenarios::idleKeepAlive);
    }

    /**
     * Args: {@code url|dest} and the prefetch N. "url" sets {@code jms.prefetchPolicy.all=N} on the connection URL,
     * "dest" sets {@code consumer.prefetchSize=N} on the queue name.
     *
     * <p>What is observable, and holds on ActiveMQ whatever its dispatch order: consumer A starts alone and 10 messages
     * are sent. Once A's client buffer holds min(N, 10) messages, consumer B starts. The broker may give B only what
     * A's prefetch left on the broker: with N = 1, B gets 9 of them; with N >= 10, B gets none and A takes the lot.
     */
    static void prefetch(Ctx ctx) throws Exception {
        String mode = ctx.arg(0, "url|dest");
        int prefetch = Integer.parseInt(ctx.arg(1, "prefetch size"));
        int total = 10;
        String[] urlOptions = mode.equals("url") ? new String[] {"jms.prefetchPolicy.all=" + prefetch} : new String[0];
        String queueName = ctx.name("q");
        String consumerQueue = mode.equals("dest") ? queueName + "?consumer.prefetchSize=" + prefetch : queueName;
        if (!mode.equals("url") && !mode.equals("dest")) {
            throw new IllegalArgumentException("expected url or dest, got " + mode);
        }

        Session sessionA = ctx.connect(urlOptions).createSession(false, Session.AUTO_ACKNOWLEDGE);
        ActiveMQMessageConsumer a = (ActiveMQMessageConsumer) sessionA.createConsumer(sessionA.createQueue(consumerQueue));
        Check.equal(prefetch, a.getPrefetchNumber(), "prefetch the client asked for");
        Session producerSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = producerSession.createProducer(producerSession.createQueue(queueName));
        for (int i = 0; i < total; i++) {
            producer.send(producerSession.createTextMessage("m" + i));
        }
        int expectBuffered = Math.min(prefetch, total);
        long deadline = System.currentTimeMillis() + Ctx.RECEIVE_MS;
        while (a.getMessageSize() < expectBuffered && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Check.equal(expectBuffered, a.getMessageSize(), "messages dispatched to consumer A's prefetch buffer");
        Thread.sleep(200); // a broker that ignored the prefetch would have pushed more by now
        Check.equal(expectBuffered, a.getMessageSize(), "consumer A's buffer must not grow past its prefetch");

        Session sessionB = ctx.connect(urlOptions).createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer b = sessionB.createConsumer(sessionB.createQueue(consumerQueue));
        List<String> gotB = new ArrayList<>();
        Message message;
        while ((message = b.receive(Ctx.QUIET_MS)) != null) {
            gotB.add(((TextMessage) message).getText());
        }
        List<String> gotA = new ArrayList<>();
        while ((message = a.receive(Ctx.QUIET_MS)) != null) {
            gotA.add(((TextMessage) message).getText());
        }
        Check.equal(total - expectBuffered, gotB.size(), "messages consumer B got (A holds " + expectBuffered + "): " + gotB);
        Check.isTrue(gotA.size() >= expectBuffered, "consumer A got " + gotA + ", expected at least its prefetched "
                + expectBuffered);
        TreeSet<String> all = new TreeSet<>(gotA);
        all.addAll(gotB);
        Check.equal(total, all.size(), "distinct messages over both consumers (A " + gotA + ", B " + gotB + ")");
        Check.equal(total, gotA.size() + gotB.size(), "no message delivered twice (A " + gotA + ", B " + gotB + ")");
        ctx.note("A got " + gotA.size() + ", B got " + gotB.size());
    }

    /**
     * Prefetch 0: nothing is pushed; each receive pulls one message. Two idle consumers each get a message on every
     * receive, alternating, and receiveNoWait pulls too.
     */
    static void prefetchZero(Ctx ctx) throws Exception {
        String queueName = ctx.name("q");
        Session sessionA = ctx.connect("jms.prefetchPolicy.all=0").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session sessionB = ctx.connect("jms.prefetchPolicy.all=0").createSession(false, Session.AUTO_ACKNOWLEDGE);
        ActiveMQMessageConsumer a = (ActiveMQMessageConsumer) sessionA.createConsumer(sessionA.createQueue(queueName));
        ActiveMQMessageConsumer b = (ActiveMQMessageConsumer) sessionB.createConsumer(sessionB.createQueue(queueName));
        Session producerSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = producerSession.createProducer(producerSession.createQueue(queueName));
        int total = 10;
        for (int i = 0; i < total; i++) {
            producer.send(producerSession.createTextMessage("m" + i));
        }
        Thread.sleep(200);
        Check.equal(0, a.getMessageSize(), "a prefetch-0 consumer must not be pushed messages before it asks");
        Check.equal(0, b.getMessageSize(), "a prefetch-0 consumer must not be pushed messages before it asks");
        TreeSet<String> seen = new TreeSet<>();
        for (int i = 0; i < total - 2; i++) {
            ActiveMQMessageConsumer consumer = i % 2 == 0 ? a : b;
            TextMessage message = Ctx.expect(consumer, TextMessage.class, "pull " + i + " by consumer " + (i % 2 == 0 ? "A" : "B"));
            Check.isTrue(seen.add(message.getText()), "duplicate delivery of " + message.getText());
        }
        for (ActiveMQMessageConsumer consumer : List.of(a, b)) {
            // receiveNoWait with prefetch 0 asks the broker and waits for its answer (a message or "none").
            Message message = consumer.receiveNoWait();
            Check.notNull(message, "receiveNoWait on a prefetch-0 consumer with messages queued returned null");
            Check.isTrue(seen.add(((TextMessage) message).getText()), "duplicate delivery");
        }
        Check.equal(total, seen.size(), "distinct messages pulled");
        Ctx.expectNone(a, "consumer A on the drained queue");
        Check.equal(null, b.receiveNoWait(), "receiveNoWait on the drained queue");
    }

    /** jms.useAsyncSend=true and synchronous sends both deliver everything, each producer in order. */
    static void asyncSyncSend(Ctx ctx) throws Exception {
        String queueName = ctx.name("q");
        int perProducer = 300;
        ActiveMQConnection async = ctx.connect("jms.useAsyncSend=true");
        ActiveMQConnection sync = ctx.connect("jms.alwaysSyncSend=true");
        Check.isTrue(async.isUseAsyncSend(), "jms.useAsyncSend=true was not applied");
        Check.isTrue(sync.isAlwaysSyncSend(), "jms.alwaysSyncSend=true was not applied");
        List<Throwable> asyncErrors = new CopyOnWriteArrayList<>();
        async.setExceptionListener(asyncErrors::add);
        Session asyncSession = async.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session syncSession = sync.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer asyncProducer = asyncSession.createProducer(asyncSession.createQueue(queueName));
        MessageProducer syncProducer = syncSession.createProducer(syncSession.createQueue(queueName));
        asyncProducer.setDeliveryMode(DeliveryMode.PERSISTENT);
        syncProducer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        for (int i = 0; i < perProducer; i++) {
            asyncProducer.send(tagged(asyncSession, "async", i));
            syncProducer.send(tagged(syncSession, "sync", i));
        }
        MessageConsumer consumer = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(syncSession.createQueue(queueName));
        int nextAsync = 0;
        int nextSync = 0;
        for (int i = 0; i < 2 * perProducer; i++) {
            Message message = Ctx.expect(consumer, "message " + i + " of " + 2 * perProducer);
            String origin = message.getStringProperty("origin");
            int seq = message.getIntProperty("seq");
            if ("async".equals(origin)) {
                Check.equal(nextAsync++, seq, "order of async-sent messages");
            } else {
                Check.equal(nextSync++, seq, "order of sync-sent messages");
            }
        }
        Ctx.expectNone(consumer, "after all messages");
        Check.isTrue(asyncErrors.isEmpty(), "async send errors: " + asyncErrors);
    }

    private static TextMessage tagged(Session session, String origin, int seq) throws JMSException {
        TextMessage message = session.createTextMessage(origin + " " + seq);
        message.setStringProperty("origin", origin);
        message.setIntProperty("seq", seq);
        return message;
    }

    /**
     * Arg: idle milliseconds. With {@code wireFormat.maxInactivityDuration=3000} the client drops a connection that
     * reads nothing for 3 s; the initial delay is shortened so the check runs during the idle time. The connection
     * must survive idling well past that because the broker sends KeepAliveInfo, and then still work both ways.
     */
    static void idleKeepAlive(Ctx ctx) throws Exception {
        long idleMs = Long.parseLong(ctx.arg(0, "idle milliseconds"));
        ActiveMQConnection connection = ctx.connect("wireFormat.maxInactivityDuration=3000",
                "wireFormat.maxInactivityDurationInitalDelay=1000");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        connection.setExceptionListener(failures::add);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("before idle"));
        Check.equal("before idle", Ctx.expect(consumer, TextMessage.class, "before idle").getText(), "body");

        Thread.sleep(idleMs);

        Check.isTrue(failures.isEmpty(), "connection failed while idle: " + failures);
        Check.isTrue(!connection.isTransportFailed(), "transport failed while idle");
        Check.isTrue(!connection.isClosed(), "connection closed while idle");
        producer.send(session.createTextMessage("after idle"));
        Check.equal("after idle", Ctx.expect(consumer, TextMessage.class, "after idle").getText(), "body");
        Check.isTrue(failures.isEmpty(), "connection failed: " + failures);
        ctx.note("idle " + idleMs + " ms with maxInactivityDuration=3000");
    }
}
