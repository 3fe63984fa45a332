import java.io.Serializable;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.jms.BytesMessage;
import javax.jms.DeliveryMode;
import javax.jms.MapMessage;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageEOFException;
import javax.jms.MessageProducer;
import javax.jms.ObjectMessage;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.StreamMessage;
import javax.jms.TextMessage;
import org.apache.activemq.command.ActiveMQMessage;

/** Message bodies, properties and headers survive the broker unchanged; big and many messages too. */
final class MessageScenarios {
    private MessageScenarios() {}

    /** Text with characters that need 1 to 4 UTF-8 bytes, and a NUL that Java's modified UTF-8 writes as 2 bytes. */
    static final String UNICODE = "héllo wörld ✓ 𝄞 nul[\u0000] end";

    /**
     * For String properties and MapMessage strings: non-ASCII, but no NUL and no surrogate pair. ActiveMQ 5.17.2's
     * client writes those strings in Java's modified UTF-8 and reads them back lazily as standard UTF-8, which turns
     * U+0000 and characters outside the BMP into U+FFFD on its own, whatever the broker does (see docs/interop.md).
     */
    static final String BMP_TEXT = "héllo wörld ✓ λ → ∞";

    static void register(Map<String, Scenario> registry) {
        registry.put("message-types", MessageScenarios::messageTypes);
        registry.put("property-types", MessageScenarios::propertyTypes);
        registry.put("message-headers", MessageScenarios::messageHeaders);
        registry.put("broker-in-out-time", MessageScenarios::brokerInOutTime);
        registry.put("large-message", MessageScenarios::largeMessage);
        registry.put("topic-fan-out-formats", MessageScenarios::topicFanOutFormats);
        registry.put("many-messages-in-order", MessageScenarios::manyMessagesInOrder);
    }

    /** Text, Bytes, Map, Stream, Object and plain Message bodies each come back as the same type and content. */
    static void messageTypes(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);

        producer.send(session.createTextMessage(UNICODE));
        producer.send(session.createTextMessage(null));

        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBoolean(true);
        bytes.writeByte((byte) -7);
        bytes.writeShort((short) -12345);
        bytes.writeChar('Ω');
        bytes.writeInt(Integer.MIN_VALUE);
        bytes.writeLong(Long.MAX_VALUE);
        bytes.writeFloat(3.25f);
        bytes.writeDouble(-1.0e300);
        bytes.writeUTF(UNICODE);
        bytes.writeBytes(new byte[] {0, 1, (byte) 0xff, (byte) 0x80});
        producer.send(bytes);

        MapMessage map = session.createMapMessage();
        map.setBoolean("boolean", false);
        map.setByte("byte", Byte.MIN_VALUE);
        map.setShort("short", Short.MAX_VALUE);
        map.setChar("char", 'λ');
        map.setInt("int", -42);
        map.setLong("long", Long.MIN_VALUE);
        map.setFloat("float", Float.MAX_VALUE);
        map.setDouble("double", Double.MIN_VALUE);
        map.setString("string", BMP_TEXT);
        map.setBytes("bytes", new byte[] {9, 8, 7});
        map.setObject("null", null);
        producer.send(map);

        StreamMessage stream = session.createStreamMessage();
        stream.writeBoolean(true);
        stream.writeByte((byte) 127);
        stream.writeShort((short) -1);
        stream.writeChar('x');
        stream.writeInt(7);
        stream.writeLong(-7L);
        stream.writeFloat(-0.5f);
        stream.writeDouble(Math.PI);
        stream.writeString(UNICODE);
        stream.writeBytes(new byte[] {4, 5, 6});
        stream.writeObject(null);
        producer.send(stream);

        producer.send(session.createObjectMessage(objectBody()));

        Message plain = session.createMessage();
        plain.setStringProperty("kind", "plain");
        producer.send(plain);

        MessageConsumer consumer = session.createConsumer(queue);
        Check.equal(UNICODE, Ctx.expect(consumer, TextMessage.class, "TextMessage").getText(), "TextMessage body");
        Check.equal(null, Ctx.expect(consumer, TextMessage.class, "TextMessage with null body").getText(),
                "TextMessage null body");

        BytesMessage b = Ctx.expect(consumer, BytesMessage.class, "BytesMessage");
        long expectedLength = 1 + 1 + 2 + 2 + 4 + 8 + 4 + 8 + (2 + UNICODE_MODIFIED_UTF8_LENGTH) + 4;
        Check.equal(expectedLength, b.getBodyLength(), "BytesMessage body length");
        Check.equal(true, b.readBoolean(), "BytesMessage boolean");
        Check.equal((byte) -7, b.readByte(), "BytesMessage byte");
        Check.equal((short) -12345, b.readShort(), "BytesMessage short");
        Check.equal('Ω', b.readChar(), "BytesMessage char");
        Check.equal(Integer.MIN_VALUE, b.readInt(), "BytesMessage int");
        Check.equal(Long.MAX_VALUE, b.readLong(), "BytesMessage long");
        Check.equal(3.25f, b.readFloat(), "BytesMessage float");
        Check.equal(-1.0e300, b.readDouble(), "BytesMessage double");
        Check.equal(UNICODE, b.readUTF(), "BytesMessage UTF");
        byte[] tail = new byte[8];
        Check.equal(4, b.readBytes(tail), "BytesMessage trailing byte count");
        Check.equalBytes(new byte[] {0, 1, (byte) 0xff, (byte) 0x80}, Arrays.copyOf(tail, 4), "BytesMessage bytes");

        MapMessage m = Ctx.expect(consumer, MapMessage.class, "MapMessage");
        Map<String, Object> expectedMap = new TreeMap<>();
        expectedMap.put("boolean", false);
        expectedMap.put("byte", Byte.MIN_VALUE);
        expectedMap.put("short", Short.MAX_VALUE);
        expectedMap.put("char", 'λ');
        expectedMap.put("int", -42);
        expectedMap.put("long", Long.MIN_VALUE);
        expectedMap.put("float", Float.MAX_VALUE);
        expectedMap.put("double", Double.MIN_VALUE);
        expectedMap.put("string", BMP_TEXT);
        Map<String, Object> actualMap = new TreeMap<>();
        for (String name : names(m.getMapNames())) {
            if (!name.equals("bytes") && !name.equals("null")) {
                actualMap.put(name, m.getObject(name));
            }
        }
        Check.equal(expectedMap, actualMap, "MapMessage entries (value and Java type)");
        for (Map.Entry<String, Object> entry : expectedMap.entrySet()) {
            Check.equal(entry.getValue().getClass(), m.getObject(entry.getKey()).getClass(),
                    "MapMessage type of '" + entry.getKey() + "'");
        }
        Check.equalBytes(new byte[] {9, 8, 7}, m.getBytes("bytes"), "MapMessage bytes");
        Check.isTrue(m.itemExists("null") && m.getObject("null") == null, "MapMessage keeps an entry with a null value");

        StreamMessage s = Ctx.expect(consumer, StreamMessage.class, "StreamMessage");
        Check.equal(true, s.readBoolean(), "StreamMessage boolean");
        Check.equal((byte) 127, s.readByte(), "StreamMessage byte");
        Check.equal((short) -1, s.readShort(), "StreamMessage short");
        Check.equal('x', s.readChar(), "StreamMessage char");
        Check.equal(7, s.readInt(), "StreamMessage int");
        Check.equal(-7L, s.readLong(), "StreamMessage long");
        Check.equal(-0.5f, s.readFloat(), "StreamMessage float");
        Check.equal(Math.PI, s.readDouble(), "StreamMessage double");
        Check.equal(UNICODE, s.readString(), "StreamMessage string");
        byte[] sb = new byte[3];
        Check.equal(3, s.readBytes(sb), "StreamMessage bytes length");
        Check.equalBytes(new byte[] {4, 5, 6}, sb, "StreamMessage bytes");
        Check.equal(-1, s.readBytes(sb), "StreamMessage end of byte field");
        Check.equal(null, s.readObject(), "StreamMessage null element");
        try {
            Object extra = s.readObject();
            Check.fail("StreamMessage has an extra element: " + Check.describe(extra));
        } catch (MessageEOFException expected) {
            // the stream holds exactly what was written
        }

        ObjectMessage o = Ctx.expect(consumer, ObjectMessage.class, "ObjectMessage");
        Check.equal(objectBody(), o.getObject(), "ObjectMessage body");

        Message p = Ctx.expect(consumer, "plain Message");
        Check.isTrue(!(p instanceof TextMessage || p instanceof BytesMessage || p instanceof MapMessage
                || p instanceof StreamMessage || p instanceof ObjectMessage), "plain Message arrived as " + Check.describe(p));
        Check.equal("plain", p.getStringProperty("kind"), "plain Message property");
        Ctx.expectNone(consumer, "queue after the 7 typed messages");
    }

    /** Length of {@link #UNICODE} in Java's modified UTF-8 (writeUTF): the NUL takes 2 bytes, 𝄞 two 3-byte halves. */
    private static final int UNICODE_MODIFIED_UTF8_LENGTH = modifiedUtf8Length(UNICODE);

    private static int modifiedUtf8Length(String text) {
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += (c >= 0x0001 && c <= 0x007f) ? 1 : (c <= 0x07ff ? 2 : 3);
        }
        return length;
    }

    /** The JMS 1.1 API hands out raw Enumerations of names. */
    private static List<String> names(java.util.Enumeration<?> names) {
        List<String> list = new ArrayList<>();
        while (names.hasMoreElements()) {
            list.add(String.valueOf(names.nextElement()));
        }
        return list;
    }

    /** A java.util / java.lang object graph: inside ActiveMQ's default trusted packages. */
    static Serializable objectBody() {
        LinkedHashMap<String, Object> body = new LinkedHashMap<>();
        body.put("list", new ArrayList<>(List.of(1, 2, 3)));
        body.put("date", new Date(1_700_000_000_000L));
        body.put("text", UNICODE);
        HashMap<String, Long> nested = new HashMap<>();
        nested.put("max", Long.MAX_VALUE);
        body.put("nested", nested);
        return body;
    }

    /** Every JMS property type comes back with the same Java type and value, including edge values. */
    static void propertyTypes(Ctx ctx) throws Exception {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("boolTrue", true);
        props.put("boolFalse", false);
        props.put("byteMin", Byte.MIN_VALUE);
        props.put("byteMax", Byte.MAX_VALUE);
        props.put("shortMin", Short.MIN_VALUE);
        props.put("intMin", Integer.MIN_VALUE);
        props.put("intMax", Integer.MAX_VALUE);
        props.put("longMin", Long.MIN_VALUE);
        props.put("longMax", Long.MAX_VALUE);
        props.put("floatPi", 3.1415927f);
        props.put("floatNaN", Float.NaN);
        props.put("floatNegInf", Float.NEGATIVE_INFINITY);
        props.put("doubleTiny", Double.MIN_VALUE);
        props.put("doubleNegZero", -0.0d);
        props.put("stringEmpty", "");
        props.put("stringUnicode", BMP_TEXT);
        // Longer than OpenWire's short-string limit, so marshalled as a "big string" (MarshallingSupport).
        props.put("stringBig", "x".repeat(70_000));

        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        Message out = session.createMessage();
        for (Map.Entry<String, Object> entry : props.entrySet()) {
            out.setObjectProperty(entry.getKey(), entry.getValue());
        }
        session.createProducer(queue).send(out);

        Message in = Ctx.expect(session.createConsumer(queue), "message with properties");
        for (Map.Entry<String, Object> entry : props.entrySet()) {
            Object actual = in.getObjectProperty(entry.getKey());
            // equals() on Float/Double compares bits: NaN equals NaN and -0.0 differs from 0.0, which is what we want.
            Check.equal(entry.getValue(), actual, "property '" + entry.getKey() + "'");
            Check.equal(entry.getValue().getClass(), actual.getClass(), "Java type of property '" + entry.getKey() + "'");
        }
        List<String> names = new ArrayList<>();
        for (String name : names(in.getPropertyNames())) {
            if (!name.startsWith("JMSX")) {
                names.add(name);
            }
        }
        Collections.sort(names);
        List<String> expectedNames = new ArrayList<>(props.keySet());
        Collections.sort(expectedNames);
        Check.equal(expectedNames, names, "property names");
        Check.equal(1, in.getIntProperty("JMSXDeliveryCount"), "JMSXDeliveryCount of a first delivery");
    }

    /** JMS headers set by the application or the producer survive: correlation id, type, reply-to, priority, TTL. */
    static void messageHeaders(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        Queue replyTo = session.createQueue(ctx.name("reply"));
        MessageProducer producer = session.createProducer(queue);
        TextMessage out = session.createTextMessage("headers");
        out.setJMSCorrelationID("corr-42");
        out.setJMSType("interop.type");
        out.setJMSReplyTo(replyTo);
        long before = System.currentTimeMillis();
        producer.send(out, DeliveryMode.NON_PERSISTENT, 7, 600_000);

        TextMessage in = Ctx.expect(session.createConsumer(queue), TextMessage.class, "message with headers");
        Check.equal("corr-42", in.getJMSCorrelationID(), "JMSCorrelationID");
        Check.equal("interop.type", in.getJMSType(), "JMSType");
        Check.equal(replyTo, in.getJMSReplyTo(), "JMSReplyTo");
        Check.equal(7, in.getJMSPriority(), "JMSPriority");
        Check.equal(DeliveryMode.NON_PERSISTENT, in.getJMSDeliveryMode(), "JMSDeliveryMode");
        Check.equal(out.getJMSTimestamp(), in.getJMSTimestamp(), "JMSTimestamp");
        Check.isTrue(in.getJMSTimestamp() >= before - 1000, "JMSTimestamp is the send time, got " + in.getJMSTimestamp());
        Check.equal(in.getJMSTimestamp() + 600_000, in.getJMSExpiration(), "JMSExpiration = timestamp + time to live");
        Check.equal(out.getJMSMessageID(), in.getJMSMessageID(), "JMSMessageID");
    }

    /** A 5 MiB BytesMessage (persistent) arrives byte for byte. */
    static void largeMessage(Ctx ctx) throws Exception {
        byte[] payload = new byte[5 * 1024 * 1024];
        new Random(20240501L).nextBytes(payload);
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        BytesMessage out = session.createBytesMessage();
        out.writeBytes(payload);
        out.setStringProperty("sha256", sha256(payload));
        session.createProducer(queue).send(out);

        Session consumerSession = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage in = Ctx.expect(consumerSession.createConsumer(queue), BytesMessage.class, "5 MiB message");
        Check.equal((long) payload.length, in.getBodyLength(), "body length");
        byte[] received = new byte[payload.length];
        Check.equal(payload.length, in.readBytes(received), "bytes read");
        Check.equal(in.getStringProperty("sha256"), sha256(received), "SHA-256 of the received body");
        Check.isTrue(Arrays.equals(payload, received), "received body differs from the sent one");
    }

    /**
     * One topic, subscribers whose connections negotiated different OpenWire versions and encodings (TideMQ
     * marshals a message once per wire format for the cache-off ones and once per subscriber for the others):
     * each gets every message intact, with the same message id, properties and a 200 KiB body byte for byte.
     */
    static void topicFanOutFormats(Ctx ctx) throws Exception {
        String[][] formats = {
            {"wireFormat.cacheEnabled=false"},
            {"wireFormat.cacheEnabled=false", "wireFormat.tightEncodingEnabled=false"},
            {"wireFormat.cacheEnabled=false", "wireFormat.version=9"},
            {"wireFormat.cacheEnabled=false", "wireFormat.version=10", "wireFormat.tightEncodingEnabled=false"},
            {"wireFormat.cacheEnabled=false", "wireFormat.version=1"},
            {"wireFormat.cacheEnabled=false"},
            {},
        };
        String topicName = ctx.name("t");
        List<MessageConsumer> subscribers = new ArrayList<>();
        for (String[] format : formats) {
            Session s = ctx.connect(format).createSession(false, Session.AUTO_ACKNOWLEDGE);
            subscribers.add(s.createConsumer(s.createTopic(topicName)));
        }
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createTopic(topicName));
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        TextMessage text = session.createTextMessage(UNICODE);
        text.setStringProperty("s", BMP_TEXT);
        text.setLongProperty("l", Long.MIN_VALUE);
        text.setJMSCorrelationID("corr-1");
        producer.send(text);
        byte[] payload = new byte[200 * 1024];
        new Random(17L).nextBytes(payload);
        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(payload);
        bytes.setIntProperty("n", 42);
        producer.send(bytes);
        MapMessage map = session.createMapMessage();
        map.setString("k", "v");
        producer.send(map);

        for (int i = 0; i < subscribers.size(); i++) {
            String who = "subscriber " + i + " " + String.join("&", formats[i]);
            MessageConsumer c = subscribers.get(i);
            TextMessage t = Ctx.expect(c, TextMessage.class, who + ": text");
            Check.equal(UNICODE, t.getText(), who + ": text body");
            Check.equal(BMP_TEXT, t.getStringProperty("s"), who + ": string property");
            Check.equal(Long.MIN_VALUE, t.getLongProperty("l"), who + ": long property");
            Check.equal("corr-1", t.getJMSCorrelationID(), who + ": correlation id");
            Check.equal(text.getJMSMessageID(), t.getJMSMessageID(), who + ": message id");
            Check.isTrue(!t.getJMSRedelivered(), who + ": not redelivered");
            BytesMessage b = Ctx.expect(c, BytesMessage.class, who + ": bytes");
            Check.equal((long) payload.length, b.getBodyLength(), who + ": body length");
            byte[] received = new byte[payload.length];
            b.readBytes(received);
            Check.isTrue(Arrays.equals(payload, received), who + ": 200 KiB body differs");
            Check.equal(42, b.getIntProperty("n"), who + ": int property");
            MapMessage m = Ctx.expect(c, MapMessage.class, who + ": map");
            Check.equal("v", m.getString("k"), who + ": map entry");
            Ctx.expectNone(c, who + ": nothing more");
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** 10,000 persistent messages from one producer reach a concurrent consumer exactly once, in send order. */
    static void manyMessagesInOrder(Ctx ctx) throws Exception {
        int count = ctx.args.length > 0 ? Integer.parseInt(ctx.args[0]) : 10_000;
        Session consumerSession = ctx.connect().createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        Queue queue = consumerSession.createQueue(ctx.name("q"));
        MessageConsumer consumer = consumerSession.createConsumer(queue);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> received = executor.submit(() -> {
                for (int i = 0; i < count; i++) {
                    Message message = consumer.receive(Ctx.RECEIVE_MS);
                    if (message == null) {
                        throw Check.fail("consumer stalled after " + i + " of " + count + " messages");
                    }
                    Check.equal(i, message.getIntProperty("seq"), "sequence number of message " + i);
                }
                return count;
            });
            // Async send keeps 10,000 persistent sends quick; ordering is still per producer.
            Session producerSession = ctx.connect("jms.useAsyncSend=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producerSession.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                TextMessage message = producerSession.createTextMessage("m" + i);
                message.setIntProperty("seq", i);
                producer.send(message);
            }
            Check.equal(count, received.get(120, TimeUnit.SECONDS), "messages received");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            executor.shutdownNow();
        }
        Ctx.expectNone(consumer, "queue after " + count + " messages");
        ctx.note(count + " messages in order");
    }

    /**
     * The broker stamps brokerInTime when a message arrives (RegionBroker.send) and brokerOutTime when it is
     * dispatched (RegionBroker.preProcessDispatch); the Java client exposes both. A message that waits in the queue
     * leaves later than it arrived, and each time is the broker's clock (same machine as this client here).
     */
    static void brokerInOutTime(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        long before = System.currentTimeMillis();
        session.createProducer(queue).send(session.createTextMessage("timed"));
        Thread.sleep(300); // the message waits in the queue: it must leave at least this much later
        MessageConsumer consumer = session.createConsumer(queue);
        ActiveMQMessage m = (ActiveMQMessage) Ctx.expect(consumer, TextMessage.class, "the message");
        long after = System.currentTimeMillis();
        long in = m.getBrokerInTime();
        long out = m.getBrokerOutTime();
        Check.isTrue(in >= before - 1000 && in <= after, "brokerInTime " + in + " is the arrival time (sent at " + before + ")");
        Check.isTrue(out >= in + 250 && out <= after, "brokerOutTime " + out + " is the dispatch time, after brokerInTime " + in);
    }
}
