import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.MapMessage;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.jms.Topic;
import javax.jms.TopicSubscriber;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * Network-of-brokers scenarios (issue 13, "How it must be shown") with the real ActiveMQ 5.17 client. The brokers
 * and their networkConnectors are set up by test/interop/cluster.test.ts; a scenario gets the brokers' OpenWire URLs
 * as its broker URL and arguments and only ever talks to brokers as a client. Demand crosses a bridge through
 * consumer advisories, so every scenario waits until the producing broker knows the bridge's consumer
 * ({@link Demand}) before it sends, instead of sleeping.
 */
final class ClusterScenarios {
    private ClusterScenarios() {}

    /** How long the readiness probe waits for every bridge of a cluster, all at once. */
    static final long PROBE_MS = 15_000;

    static void register(Map<String, Scenario> registry) {
        registry.put("cluster-await-demand", ClusterScenarios::awaitDemand);
        registry.put("cluster-queue", ClusterScenarios::queue);
        registry.put("cluster-topic", ClusterScenarios::topic);
        registry.put("cluster-properties", ClusterScenarios::properties);
        registry.put("cluster-durable", ClusterScenarios::durable);
        registry.put("cluster-durable-unsubscribe", ClusterScenarios::durableUnsubscribe);
        registry.put("cluster-consumer-moves", ClusterScenarios::consumerMoves);
        registry.put("cluster-line", ClusterScenarios::line);
        registry.put("cluster-duplex", ClusterScenarios::duplex);
        registry.put("cluster-replay", ClusterScenarios::replay);
        registry.put("cluster-failover-kill", ClusterFailoverScenario::run);
    }

    /** A started connection to one broker of the cluster, closed when the scenario ends. */
    static Connection at(Ctx ctx, String url) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        factory.setTrustedPackages(List.of("java.lang", "java.util"));
        return ctx.track(factory.createConnection(), true);
    }

    static Session session(Ctx ctx, String url) throws JMSException {
        return at(ctx, url).createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /**
     * The readiness probe of a cluster: the broker URL and every argument are bridges {@code fromUrl>toUrl}. For
     * each, a consumer on `to` must become demand on `from`. All bridges are watched at once, so a cluster whose
     * bridges never come up costs one wait, and the failure names each bridge without demand:
     * {@code bridges without demand: <from>to,…; up: …}. The test runs it before the scenarios, so a bridge that
     * never came up fails the scenarios that need it at once.
     */
    static void awaitDemand(Ctx ctx) throws Exception {
        List<String> bridges = new ArrayList<>();
        bridges.add(ctx.brokerUrl);
        bridges.addAll(List.of(ctx.args));
        Map<String, Demand> demands = new LinkedHashMap<>();
        for (String bridge : bridges) {
            String[] ends = bridge.split(">", 2);
            Check.isTrue(ends.length == 2, "a bridge is written from>to, got " + bridge);
            Queue queue = session(ctx, ends[0]).createQueue(ctx.name("probe" + demands.size()));
            session(ctx, ends[1]).createConsumer(queue);
            demands.put(bridge, Demand.watch(ctx, ends[0], queue));
        }
        List<String> up = new ArrayList<>();
        List<String> down = new ArrayList<>();
        long deadline = System.nanoTime() + PROBE_MS * 1_000_000;
        for (Map.Entry<String, Demand> entry : demands.entrySet()) {
            try {
                up.add(entry.getKey() + " after " + entry.getValue().awaitAtLeast(1, entry.getKey(), deadline) + " ms");
            } catch (Check.CheckFailed e) {
                down.add(entry.getKey());
            }
        }
        if (!down.isEmpty()) {
            throw Check.fail("bridges without demand: " + String.join(",", down) + "; up: " + up);
        }
        ctx.note("demand crossed " + String.join(", ", up));
    }

    /** args: A B. Producer on A, consumer on B, a queue: every message once, in order. */
    static void queue(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Queue queue = onA.createQueue(ctx.name("q"));
        MessageConsumer consumer = session(ctx, b).createConsumer(queue);
        ctx.note("demand on A after " + Demand.watch(ctx, a, queue).awaitAtLeast(1, "B's queue consumer on A") + " ms");
        sendTexts(onA.createProducer(queue), onA, "m", 0, 10);
        expectTexts(consumer, "m", 0, 10, "queue message produced on A, consumed on B");
        Ctx.expectNone(consumer, "after the ten queue messages");
    }

    /** args: A B. Producer on A, subscriber on B, a topic: each message once (no copy from another path). */
    static void topic(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Topic topic = onA.createTopic(ctx.name("t"));
        MessageConsumer subscriber = session(ctx, b).createConsumer(topic);
        // A topic message finds only the subscriptions that exist when it is sent: wait for the bridge's.
        ctx.note("demand on A after " + Demand.watch(ctx, a, topic).awaitAtLeast(1, "B's subscriber on A") + " ms");
        sendTexts(onA.createProducer(topic), onA, "m", 0, 10);
        expectTexts(subscriber, "m", 0, 10, "topic message published on A, received on B");
        Ctx.expectNone(subscriber, "after the ten topic messages");
    }

    /** args: A B. Properties of every type, JMS headers and JMSReplyTo (queue and topic) survive the bridge. */
    static void properties(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Queue queue = onA.createQueue(ctx.name("q"));
        Queue replyQueue = onA.createQueue(ctx.name("reply"));
        Topic replyTopic = onA.createTopic(ctx.name("reply-topic"));
        MessageConsumer consumer = session(ctx, b).createConsumer(queue);
        Demand.watch(ctx, a, queue).awaitAtLeast(1, "B's queue consumer on A");

        Map<String, Object> props = new LinkedHashMap<>();
        props.put("boolTrue", true);
        props.put("boolFalse", false);
        props.put("byteMin", Byte.MIN_VALUE);
        props.put("shortMin", Short.MIN_VALUE);
        props.put("intMax", Integer.MAX_VALUE);
        props.put("longMin", Long.MIN_VALUE);
        props.put("floatNaN", Float.NaN);
        props.put("floatPi", 3.1415927f);
        props.put("doubleNegZero", -0.0d);
        props.put("doubleTiny", Double.MIN_VALUE);
        props.put("stringEmpty", "");
        props.put("stringUnicode", MessageScenarios.BMP_TEXT);
        props.put("stringBig", "x".repeat(70_000));

        MessageProducer producer = onA.createProducer(queue);
        TextMessage text = onA.createTextMessage(MessageScenarios.BMP_TEXT);
        for (Map.Entry<String, Object> entry : props.entrySet()) {
            text.setObjectProperty(entry.getKey(), entry.getValue());
        }
        text.setJMSReplyTo(replyQueue);
        text.setJMSCorrelationID("corr-1");
        text.setJMSType("cluster-type");
        producer.send(text, DeliveryMode.PERSISTENT, 7, 600_000);

        MapMessage map = onA.createMapMessage();
        map.setLong("long", Long.MAX_VALUE);
        map.setString("string", MessageScenarios.BMP_TEXT);
        map.setBytes("bytes", new byte[] {0, 1, (byte) 0xff});
        map.setJMSReplyTo(replyTopic);
        producer.send(map, DeliveryMode.NON_PERSISTENT, 2, 0);

        // JMS orders messages of one producer only within a delivery mode (JMS 1.1 §4.4.10.1), and these two also
        // differ in priority: either may cross first.
        Message first = Ctx.expect(consumer, "the first of the two messages");
        Message second = Ctx.expect(consumer, "the second of the two messages");
        TextMessage in = Check.instanceOf(TextMessage.class, first instanceof TextMessage ? first : second,
                "one of the two messages");
        Check.equal(MessageScenarios.BMP_TEXT, in.getText(), "text body");
        for (Map.Entry<String, Object> entry : props.entrySet()) {
            Object actual = in.getObjectProperty(entry.getKey());
            // equals() on Float/Double compares bits: NaN equals NaN and -0.0 differs from 0.0.
            Check.equal(entry.getValue(), actual, "property '" + entry.getKey() + "'");
            Check.equal(entry.getValue().getClass(), actual.getClass(), "Java type of property '" + entry.getKey() + "'");
        }
        Check.equal(text.getJMSMessageID(), in.getJMSMessageID(), "JMSMessageID across the bridge");
        Check.equal(text.getJMSTimestamp(), in.getJMSTimestamp(), "JMSTimestamp across the bridge");
        Check.equal(replyQueue, in.getJMSReplyTo(), "JMSReplyTo (queue)");
        Check.equal("corr-1", in.getJMSCorrelationID(), "JMSCorrelationID");
        Check.equal("cluster-type", in.getJMSType(), "JMSType");
        Check.equal(7, in.getJMSPriority(), "JMSPriority");
        Check.equal(DeliveryMode.PERSISTENT, in.getJMSDeliveryMode(), "JMSDeliveryMode");
        Check.equal(text.getJMSExpiration(), in.getJMSExpiration(), "JMSExpiration");
        Check.equal(queue, in.getJMSDestination(), "JMSDestination");
        Check.equal(false, in.getJMSRedelivered(), "JMSRedelivered");

        MapMessage inMap = Check.instanceOf(MapMessage.class, first instanceof TextMessage ? second : first,
                "the other message");
        Check.equal(Long.MAX_VALUE, inMap.getLong("long"), "map long");
        Check.equal(MessageScenarios.BMP_TEXT, inMap.getString("string"), "map string");
        Check.equalBytes(new byte[] {0, 1, (byte) 0xff}, inMap.getBytes("bytes"), "map bytes");
        Check.equal(replyTopic, inMap.getJMSReplyTo(), "JMSReplyTo (topic)");
        Check.equal(DeliveryMode.NON_PERSISTENT, inMap.getJMSDeliveryMode(), "JMSDeliveryMode (non-persistent)");
        Check.equal(2, inMap.getJMSPriority(), "JMSPriority (2)");
    }

    /**
     * args: A B. A durable subscriber on B receives what is published on A while it is connected, and what A
     * published while it was offline once it is back: as in ActiveMQ 5.17, the bridge keeps its subscription on A
     * while B's durable subscription exists (the consumer's departure alone removes no demand), so A goes on
     * forwarding to B, where the durable subscription keeps the messages.
     */
    static void durable(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Topic topic = onA.createTopic(ctx.name("t"));
        String clientId = ctx.name("client");
        MessageProducer producer = onA.createProducer(topic);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        Demand demand = Demand.watch(ctx, a, topic);

        Connection first = durableConnection(ctx, b, clientId);
        Session session = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicSubscriber subscriber = session.createDurableSubscriber(topic, "sub");
        ctx.note("demand on A after " + demand.awaitAtLeast(1, "B's durable subscriber on A") + " ms");
        sendTexts(producer, onA, "m", 0, 5);
        expectTexts(subscriber, "m", 0, 5, "persistent message published on A, durable subscriber on B");
        Ctx.expectNone(subscriber, "after the five messages");
        first.close();

        sendTexts(producer, onA, "m", 5, 3);
        Connection second = durableConnection(ctx, b, clientId);
        Session again = second.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicSubscriber back = again.createDurableSubscriber(topic, "sub");
        expectTexts(back, "m", 5, 3, "message published on A while the durable subscriber on B was offline");
        sendTexts(producer, onA, "m", 8, 2);
        expectTexts(back, "m", 8, 2, "message published on A after the durable subscriber on B reconnected");
        Ctx.expectNone(back, "after the reconnected subscriber's messages");
        back.close();
        again.unsubscribe("sub");
    }

    /**
     * args: A B. Unsubscribing B's durable subscription removes the bridge's demand on A: ActiveMQ's AdvisoryBroker
     * sends a RemoveSubscriptionInfo (client id + subscription name) on the consumer advisory topic, and the
     * bridge matches it against the client id and name the durable ConsumerInfo advisory carried.
     */
    static void durableUnsubscribe(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Topic topic = session(ctx, a).createTopic(ctx.name("t"));
        Demand demand = Demand.watch(ctx, a, topic);
        Connection onB = durableConnection(ctx, b, ctx.name("client"));
        Session session = onB.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createDurableSubscriber(topic, "sub").close();
        demand.awaitAtLeast(1, "B's durable subscription on A");
        session.unsubscribe("sub");
        ctx.note("demand gone from A after "
                + demand.awaitAtMost(0, "the bridge's subscription on A after B's durable subscription was removed")
                + " ms");
    }

    private static Connection durableConnection(Ctx ctx, String url, String clientId) throws JMSException {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        ctx.track(connection, false);
        connection.setClientID(clientId);
        connection.start();
        return connection;
    }

    /**
     * args: A B C (A bridges to B and to C). A queue consumer on B takes A's messages; it leaves, messages sent
     * meanwhile wait on A; a consumer on C gets them, and what is sent next.
     */
    static void consumerMoves(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        String c = ctx.arg(1, "broker C");
        Session onA = session(ctx, a);
        Queue queue = onA.createQueue(ctx.name("q"));
        MessageProducer producer = onA.createProducer(queue);
        Demand demand = Demand.watch(ctx, a, queue);

        Connection onB = at(ctx, b);
        MessageConsumer consumerB = onB.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
        demand.awaitAtLeast(1, "B's consumer on A");
        sendTexts(producer, onA, "m", 0, 5);
        expectTexts(consumerB, "m", 0, 5, "message on B before the move");
        onB.close();
        demand.awaitAtMost(0, "B's consumer gone from A");

        sendTexts(producer, onA, "m", 5, 3);
        MessageConsumer consumerC = session(ctx, c).createConsumer(queue);
        ctx.note("demand from C on A after " + demand.awaitAtLeast(1, "C's consumer on A") + " ms");
        expectTexts(consumerC, "m", 5, 3, "message sent on A while no consumer was anywhere, then consumed on C");
        sendTexts(producer, onA, "m", 8, 2);
        expectTexts(consumerC, "m", 8, 2, "message sent on A after the consumer moved to C");
        Ctx.expectNone(consumerC, "after the moved consumer's messages");
    }

    /**
     * args: A B C TTL (A bridges to B, B to C, networkTTL=TTL). With TTL ≥ 2, a message produced on A reaches a
     * consumer on C through B. With TTL 1, C's demand stops at B: B's messages reach C, A's do not (they stay on A,
     * where a local consumer gets them), while A still bridges to B's own consumers.
     */
    static void line(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        String c = ctx.arg(1, "broker C");
        int ttl = Integer.parseInt(ctx.arg(2, "networkTTL"));
        Session onA = session(ctx, a);
        Session onB = session(ctx, b);
        Queue queue = onA.createQueue(ctx.name("q"));
        Demand demandOnA = Demand.watch(ctx, a, queue);
        Demand demandOnB = Demand.watch(ctx, b, queue);
        MessageConsumer consumerC = session(ctx, c).createConsumer(queue);
        demandOnB.awaitAtLeast(1, "C's consumer on B");
        if (ttl >= 2) {
            ctx.note("demand two hops away on A after "
                    + demandOnA.awaitAtLeast(1, "C's consumer on A, through B (networkTTL=" + ttl + ")") + " ms");
            sendTexts(onA.createProducer(queue), onA, "m", 0, 5);
            expectTexts(consumerC, "m", 0, 5, "message produced on A, consumed on C two hops away");
            Ctx.expectNone(consumerC, "after the five messages");
            return;
        }
        demandOnA.expectNoneFor(1_000, "C's demand must not reach A with networkTTL=" + ttl);
        sendTexts(onB.createProducer(queue), onB, "b", 0, 2);
        expectTexts(consumerC, "b", 0, 2, "message produced on B, consumed on C one hop away");
        sendTexts(onA.createProducer(queue), onA, "a", 0, 3);
        Message leaked = consumerC.receive(1_000);
        if (leaked != null) {
            throw Check.fail("networkTTL=" + ttl + ": a message produced on A reached C: " + Ctx.describe(leaked));
        }
        MessageConsumer local = onA.createConsumer(queue);
        expectTexts(local, "a", 0, 3, "message that stayed on A, taken by a local consumer");

        // A still bridges one hop: a consumer on B (another queue) gets A's messages.
        Queue near = onA.createQueue(ctx.name("near"));
        MessageConsumer consumerB = onB.createConsumer(near);
        Demand.watch(ctx, a, near).awaitAtLeast(1, "B's own consumer on A");
        sendTexts(onA.createProducer(near), onA, "n", 0, 2);
        expectTexts(consumerB, "n", 0, 2, "message produced on A, consumed on B one hop away");
    }

    /**
     * args: A B, where only A has a networkConnector, duplex="true". Queue messages flow A→B and B→A over the one
     * connection, and so do topic messages.
     */
    static void duplex(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Session onB = session(ctx, b);
        Queue toB = onA.createQueue(ctx.name("to-b"));
        Queue toA = onA.createQueue(ctx.name("to-a"));
        Topic topicToA = onA.createTopic(ctx.name("t-to-a"));

        MessageConsumer consumerB = onB.createConsumer(toB);
        MessageConsumer consumerA = onA.createConsumer(toA);
        MessageConsumer subscriberA = onA.createConsumer(topicToA);
        ctx.note("demand A←B after " + Demand.watch(ctx, a, toB).awaitAtLeast(1, "B's consumer on A") + " ms");
        ctx.note("demand B←A after "
                + Demand.watch(ctx, b, toA).awaitAtLeast(1, "A's consumer on B (the duplex direction)") + " ms");
        Demand.watch(ctx, b, topicToA).awaitAtLeast(1, "A's topic subscriber on B (the duplex direction)");

        sendTexts(onA.createProducer(toB), onA, "ab", 0, 3);
        sendTexts(onB.createProducer(toA), onB, "ba", 0, 3);
        sendTexts(onB.createProducer(topicToA), onB, "tba", 0, 3);
        expectTexts(consumerB, "ab", 0, 3, "queue message A→B");
        expectTexts(consumerA, "ba", 0, 3, "queue message B→A over the duplex bridge");
        expectTexts(subscriberA, "tba", 0, 3, "topic message B→A over the duplex bridge");
        Ctx.expectNone(subscriberA, "after the three topic messages");
    }

    /**
     * args: A B, bridged both ways (A→B and B→A) with conditionalNetworkBridgeFilterFactory
     * replayWhenNoConsumers="true" (and enableAudit="false", as ActiveMQ's documentation asks) on both. ActiveMQ's
     * "stuck messages": a consumer on B takes A's messages through the bridge, consumes some and leaves; the rest sit
     * on B, and normally never go back to A (their brokerPath holds A). With the replay they flow back to a consumer
     * that opens on A.
     */
    static void replay(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Session onA = session(ctx, a);
        Queue queue = onA.createQueue(ctx.name("q"));
        Demand demandOnA = Demand.watch(ctx, a, queue);
        Connection connectionB = at(ctx, b);
        MessageConsumer consumerB = connectionB.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
        demandOnA.awaitAtLeast(1, "B's consumer on A");
        sendTexts(onA.createProducer(queue), onA, "m", 0, 10);
        expectTexts(consumerB, "m", 0, 3, "message forwarded to B, consumed there");
        connectionB.close(); // m3…m9 went to B with the bridge's prefetch and stay there
        demandOnA.awaitAtMost(0, "B's consumer gone from A");

        Demand demandOnB = Demand.watch(ctx, b, queue);
        MessageConsumer consumerA = onA.createConsumer(queue);
        ctx.note("demand from A on B after " + demandOnB.awaitAtLeast(1, "A's consumer on B (bridge B→A)") + " ms");
        // Every stranded message once. Their order is reported, not checked: ActiveMQ replays them in queue order,
        // but nothing promises an order for messages that went back to a queue after a consumer left.
        List<String> replayed = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            replayed.add(Ctx.expect(consumerA, TextMessage.class, "message stranded on B, replayed to A's consumer ("
                    + replayed.size() + " of m3…m9 so far: " + replayed + ")").getText());
        }
        Ctx.expectNone(consumerA, "after the seven replayed messages");
        List<String> sorted = new ArrayList<>(replayed);
        Collections.sort(sorted);
        Check.equal(List.of("m3", "m4", "m5", "m6", "m7", "m8", "m9"), sorted, "the replayed messages");
        ctx.note("replayed in the order " + replayed);
    }

    static void sendTexts(MessageProducer producer, Session session, String prefix, int from, int count)
            throws JMSException {
        for (int i = from; i < from + count; i++) {
            producer.send(session.createTextMessage(prefix + i));
        }
    }

    static void expectTexts(MessageConsumer consumer, String prefix, int from, int count, String what)
            throws JMSException {
        for (int i = from; i < from + count; i++) {
            TextMessage m = Ctx.expect(consumer, TextMessage.class, what + " (" + prefix + i + ")");
            Check.equal(prefix + i, m.getText(), what);
        }
    }
}
