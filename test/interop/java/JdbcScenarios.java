import java.util.Map;
import javax.jms.BytesMessage;
import javax.jms.DeliveryMode;
import javax.jms.MapMessage;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.jms.Topic;
import org.apache.activemq.ActiveMQConnection;

/**
 * Halves of a store hand-over: one broker is sent a backlog (or gets a durable subscription), stops, and another
 * broker started on the same database delivers it. Each scenario names its destinations in its arguments, since the
 * two halves run against different brokers. Message i carries properties of every JMS type derived from i, so the
 * receiving half checks each one exactly.
 */
final class JdbcScenarios {
    private JdbcScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("jdbc-send-backlog", JdbcScenarios::sendBacklog);
        registry.put("jdbc-receive-backlog", JdbcScenarios::receiveBacklog);
        registry.put("jdbc-durable-subscribe", JdbcScenarios::durableSubscribe);
        registry.put("jdbc-publish", JdbcScenarios::publish);
        registry.put("jdbc-durable-receive", JdbcScenarios::durableReceive);
        registry.put("jdbc-throughput", JdbcScenarios::throughput);
    }

    /**
     * For bench/jdbc-bench.ts. args: queue, producers, count, size. `producers` threads, each on its own connection,
     * send count/producers persistent messages of `size` bytes synchronously while one consumer receives them all;
     * notes the send and the end-to-end times in ms.
     */
    static void throughput(Ctx ctx) throws Exception {
        String queue = ctx.arg(0, "queue");
        int producers = Integer.parseInt(ctx.arg(1, "producers"));
        int count = Integer.parseInt(ctx.arg(2, "count"));
        byte[] body = new byte[Integer.parseInt(ctx.arg(3, "size"))];
        Session cs = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = cs.createConsumer(cs.createQueue(queue));
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
        consumer.setMessageListener(m -> {
            if (received.incrementAndGet() == count) {
                all.countDown();
            }
        });
        long start = System.nanoTime();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int p = 0; p < producers; p++) {
            int n = count / producers + (p < count % producers ? 1 : 0);
            Session ps = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
            Thread t = new Thread(() -> {
                try {
                    MessageProducer producer = ps.createProducer(ps.createQueue(queue));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; i < n; i++) {
                        BytesMessage m = ps.createBytesMessage();
                        m.writeBytes(body);
                        producer.send(m);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long sent = System.nanoTime();
        if (failure.get() != null) {
            throw failure.get();
        }
        if (!all.await(120, java.util.concurrent.TimeUnit.SECONDS)) {
            throw Check.fail("received " + received.get() + " of " + count);
        }
        long done = System.nanoTime();
        ctx.note("send_ms=" + (sent - start) / 1_000_000 + " total_ms=" + (done - start) / 1_000_000);
    }

    private static void stamp(Message m, String tag, int i) throws Exception {
        m.setStringProperty("tag", tag);
        m.setIntProperty("index", i);
        m.setLongProperty("long", 1_000_000_000_000L * i + 7);
        m.setBooleanProperty("even", i % 2 == 0);
        m.setDoubleProperty("double", i + 0.25);
        m.setFloatProperty("float", i + 0.5f);
        m.setShortProperty("short", (short) -i);
        m.setByteProperty("byte", (byte) i);
        m.setStringProperty("unicode", "héllo ✓ " + i);
        m.setJMSType("type-" + i);
        m.setJMSCorrelationID("corr-" + tag + "-" + i);
    }

    private static void check(Message m, String tag, int i) throws Exception {
        String at = tag + " message " + i;
        Check.equal(tag, m.getStringProperty("tag"), at + " tag");
        Check.equal(i, m.getIntProperty("index"), at + " index (order)");
        Check.equal(1_000_000_000_000L * i + 7, m.getLongProperty("long"), at + " long");
        Check.equal(i % 2 == 0, m.getBooleanProperty("even"), at + " boolean");
        Check.equal(i + 0.25, m.getDoubleProperty("double"), at + " double");
        Check.equal(i + 0.5f, m.getFloatProperty("float"), at + " float");
        Check.equal((short) -i, m.getShortProperty("short"), at + " short");
        Check.equal((byte) i, m.getByteProperty("byte"), at + " byte");
        Check.equal("héllo ✓ " + i, m.getStringProperty("unicode"), at + " unicode");
        Check.equal("type-" + i, m.getJMSType(), at + " JMSType");
        Check.equal("corr-" + tag + "-" + i, m.getJMSCorrelationID(), at + " JMSCorrelationID");
        Check.equal(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode(), at + " persistent");
        if (i % 3 == 1) {
            BytesMessage b = Check.instanceOf(BytesMessage.class, m, at);
            byte[] body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
            Check.equalBytes(new byte[] {(byte) i, 0, (byte) 0xff}, body, at + " bytes body");
        } else if (i % 3 == 2) {
            MapMessage map = Check.instanceOf(MapMessage.class, m, at);
            Check.equal("v" + i, map.getString("k"), at + " map body");
        } else {
            Check.equal("body " + tag + " " + i, Check.instanceOf(TextMessage.class, m, at).getText(), at + " text");
        }
    }

    private static Message make(Session session, String tag, int i) throws Exception {
        Message m;
        if (i % 3 == 1) {
            BytesMessage b = session.createBytesMessage();
            b.writeBytes(new byte[] {(byte) i, 0, (byte) 0xff});
            m = b;
        } else if (i % 3 == 2) {
            MapMessage map = session.createMapMessage();
            map.setString("k", "v" + i);
            m = map;
        } else {
            m = session.createTextMessage("body " + tag + " " + i);
        }
        stamp(m, tag, i);
        return m;
    }

    /** args: queue, count, tag. Sends `count` persistent messages. */
    static void sendBacklog(Ctx ctx) throws Exception {
        String queue = ctx.arg(0, "queue");
        int count = Integer.parseInt(ctx.arg(1, "count"));
        String tag = ctx.arg(2, "tag");
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < count; i++) {
            producer.send(make(session, tag, i));
        }
        ctx.note("sent " + count);
    }

    /** args: queue, count, tag. Receives exactly `count` messages in order, each checked, then nothing more. */
    static void receiveBacklog(Ctx ctx) throws Exception {
        String queue = ctx.arg(0, "queue");
        int count = Integer.parseInt(ctx.arg(1, "count"));
        String tag = ctx.arg(2, "tag");
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = session.createQueue(queue);
        MessageConsumer consumer = session.createConsumer(q);
        for (int i = 0; i < count; i++) {
            check(Ctx.expect(consumer, tag + " message " + i + " of " + count), tag, i);
        }
        Ctx.expectNone(consumer, "after the " + count + " messages of the backlog");
        ctx.note("received " + count);
    }

    /** args: topic, clientId, subscription. Registers a durable subscription and goes offline. */
    static void durableSubscribe(Ctx ctx) throws Exception {
        ActiveMQConnection c = ctx.connectWithClientId(ctx.arg(1, "clientId"));
        Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.arg(0, "topic"));
        session.createDurableSubscriber(topic, ctx.arg(2, "subscription")).close();
    }

    /** args: topic, from, to, tag. Publishes messages from..to-1 persistently. */
    static void publish(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createTopic(ctx.arg(0, "topic")));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        String tag = ctx.arg(3, "tag");
        for (int i = Integer.parseInt(ctx.arg(1, "from")); i < Integer.parseInt(ctx.arg(2, "to")); i++) {
            producer.send(make(session, tag, i));
        }
    }

    /**
     * args: topic, clientId, subscription, from, to, tag, rest. Receives messages from..to-1 (acknowledged), then,
     * with rest=none, checks nothing more is pending; with rest=more, leaves the rest for the next broker.
     */
    static void durableReceive(Ctx ctx) throws Exception {
        ActiveMQConnection c = ctx.connectWithClientId(ctx.arg(1, "clientId"), "jms.prefetchPolicy.all=1");
        Session session = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.arg(0, "topic"));
        MessageConsumer consumer = session.createDurableSubscriber(topic, ctx.arg(2, "subscription"));
        String tag = ctx.arg(5, "tag");
        int to = Integer.parseInt(ctx.arg(4, "to"));
        for (int i = Integer.parseInt(ctx.arg(3, "from")); i < to; i++) {
            Message m = Ctx.expect(consumer, "durable " + tag + " message " + i);
            check(m, tag, i);
            m.acknowledge();
        }
        if (ctx.arg(6, "rest").equals("none")) {
            Ctx.expectNone(consumer, "durable subscription after message " + (to - 1));
        }
        consumer.close();
    }
}
