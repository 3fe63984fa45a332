import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.command.*;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;

/**
 * Writes golden OpenWire frames with ActiveMQ's own OpenWireFormat (activemq-client.jar), for TideMQ's codec
 * tests (test/fixtures/openwire). Each mode (version × tight/loose × cache on/off × stack traces) gets one
 * stream file with the same commands marshalled in order through ONE format, so the marshal cache carries from
 * frame to frame as on a real connection, plus a JSON index of the frames.
 *
 * Everything is deterministic (fixed ids, times, stack traces), so running it again gives the same bytes.
 *
 *   javac -cp <cp> -d <out> GoldenFrames.java && java -cp <cp>:<out> GoldenFrames <fixture dir>
 *   cp = activemq-client.jar:activemq-openwire-legacy.jar:geronimo-jms_1.1_spec.jar:hawtbuf.jar:slf4j-api.jar:
 *        slf4j-nop.jar
 */
public class GoldenFrames {

    static final String CONN = "ID:golden-40001-1700000000000-1:1";
    static final long T0 = 1700000000000L;

    public static void main(String[] args) throws Exception {
        File dir = new File(args.length > 0 ? args[0] : ".");
        dir.mkdirs();
        mode(dir, "v12-tight-cache", 12, true, true, true);
        mode(dir, "v12-tight-nocache", 12, true, false, true);
        mode(dir, "v12-tight-cache-nostack", 12, true, true, false);
        mode(dir, "v12-loose-cache", 12, false, true, true);
        mode(dir, "v12-loose-nocache", 12, false, false, true);
        mode(dir, "v12-loose-nocache-nostack", 12, false, false, false);
        mode(dir, "v11-tight-cache", 11, true, true, true);
        mode(dir, "v10-tight-cache", 10, true, true, true);
        mode(dir, "v10-loose-nocache", 10, false, false, true);
        mode(dir, "v9-tight-cache", 9, true, true, true);
        mode(dir, "v9-loose-nocache", 9, false, false, true);
        // v2..v8 come from activemq-openwire-legacy.jar.
        for (int v = 2; v <= 8; v++) {
            mode(dir, "v" + v + "-tight-cache", v, true, true, true);
        }
        mode(dir, "v6-loose-nocache", 6, false, false, true);
        mode(dir, "v1-tight-cache", 1, true, true, true);
        mode(dir, "v1-loose-nocache", 1, false, false, true);
    }

    static void mode(File dir, String name, int version, boolean tight, boolean cache, boolean stack) throws Exception {
        OpenWireFormat f = new OpenWireFormat(version);
        f.setPreferedWireFormatInfo(prefs(version, tight, cache, stack));
        f.renegotiateWireFormat(prefs(version, tight, cache, stack));

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        StringBuilder index = new StringBuilder("[\n");
        List<Object[]> cmds = commands(version);
        for (int i = 0; i < cmds.size(); i++) {
            String label = (String) cmds.get(i)[0];
            Object cmd = cmds.get(i)[1];
            ByteSequence bs = f.marshal(cmd);
            index.append(String.format("  { \"name\": \"%s\", \"offset\": %d, \"length\": %d }%s\n", label, all.size(),
                bs.getLength(), i + 1 < cmds.size() ? "," : ""));
            all.write(bs.getData(), bs.getOffset(), bs.getLength());
        }
        index.append("]\n");
        write(new File(dir, name + ".bin"), all.toByteArray());
        write(new File(dir, name + ".json"), index.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void write(File f, byte[] data) throws IOException {
        try (FileOutputStream out = new FileOutputStream(f)) {
            out.write(data);
        }
    }

    static WireFormatInfo prefs(int version, boolean tight, boolean cache, boolean stack) throws IOException {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(version);
        info.setStackTraceEnabled(stack);
        info.setCacheEnabled(cache);
        info.setTcpNoDelayEnabled(true);
        info.setTightEncodingEnabled(tight);
        info.setSizePrefixDisabled(false);
        info.setMaxInactivityDuration(30000);
        info.setMaxInactivityDurationInitalDelay(10000);
        info.setCacheSize(1024);
        info.setMaxFrameSize(104857600);
        return info;
    }

    /** What OpenWireFormatFactory.createWireFormat() announces, with fixed provider strings. */
    static WireFormatInfo handshake(int version) throws IOException {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(version);
        info.setStackTraceEnabled(true);
        info.setCacheEnabled(true);
        info.setTcpNoDelayEnabled(true);
        info.setTightEncodingEnabled(true);
        info.setSizePrefixDisabled(false);
        info.setMaxInactivityDuration(30000);
        info.setMaxInactivityDurationInitalDelay(10000);
        info.setCacheSize(1024);
        info.setMaxFrameSize(Long.MAX_VALUE);
        info.setMaxFrameSizeEnabled(true);
        info.setHost("localhost");
        info.setProviderName("ActiveMQ");
        info.setProviderVersion("5.17.2");
        info.setPlatformDetails("Java");
        return info;
    }

    static ConnectionId connectionId() {
        return new ConnectionId(CONN);
    }

    static SessionId sessionId() {
        return new SessionId(connectionId(), 1);
    }

    static ConsumerId consumerId(long v) {
        return new ConsumerId(sessionId(), v);
    }

    static ProducerId producerId() {
        return new ProducerId(sessionId(), 1);
    }

    static MessageId messageId(long seq) {
        MessageId id = new MessageId(producerId(), seq);
        id.setBrokerSequenceId(seq + 1000);
        return id;
    }

    /** A destination with its physical name exactly as given (setPhysicalName would strip `?options`). */
    static ActiveMQDestination rawName(ActiveMQDestination d, String physicalName) throws Exception {
        Field f = ActiveMQDestination.class.getDeclaredField("physicalName");
        f.setAccessible(true);
        f.set(d, physicalName);
        return d;
    }

    static Throwable securityException() {
        SecurityException e = new SecurityException("User name [null] or password is invalid.");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.apache.activemq.security.JaasAuthenticationBroker", "addConnection",
                "JaasAuthenticationBroker.java", 100),
            new StackTraceElement("org.apache.activemq.broker.TransportConnection", "processAddConnection", null, -2),
        });
        java.io.IOException cause = new java.io.IOException("Login failure: all modules ignored, ünïcödé");
        cause.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("javax.security.auth.login.LoginContext", "invoke", "LoginContext.java", 838),
        });
        e.initCause(cause);
        return e;
    }

    static void base(Message m, long seq) throws Exception {
        m.setCommandId((int) (10 + seq));
        m.setResponseRequired(true);
        m.setProducerId(producerId());
        m.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        m.setMessageId(messageId(seq));
        m.setPersistent(true);
        m.setPriority((byte) 4);
        m.setTimestamp(T0 + seq);
        m.setBrokerInTime(T0 + seq + 1);
        m.setBrokerOutTime(T0 + seq + 2);
    }

    static List<Object[]> commands(int version) throws Exception {
        List<Object[]> out = new ArrayList<>();

        out.add(new Object[] {"WireFormatInfo", handshake(version)});

        BrokerInfo broker = new BrokerInfo();
        broker.setCommandId(1);
        broker.setBrokerId(new BrokerId("ID:golden-broker-40000-1700000000000-0:1"));
        broker.setBrokerName("localhost");
        broker.setBrokerURL("tcp://localhost:61616");
        broker.setPeerBrokerInfos(new BrokerInfo[0]);
        broker.setConnectionId(7);
        broker.setNetworkProperties("");
        out.add(new Object[] {"BrokerInfo", broker});

        ConnectionInfo conn = new ConnectionInfo(connectionId());
        conn.setCommandId(1);
        conn.setResponseRequired(true);
        conn.setClientId("golden-client");
        conn.setUserName("system");
        conn.setPassword("manager");
        conn.setManageable(true);
        conn.setFaultTolerant(false);
        conn.setClientIp("tcp://127.0.0.1:53211");
        out.add(new Object[] {"ConnectionInfo", conn});

        Response resp = new Response();
        resp.setCorrelationId(1);
        out.add(new Object[] {"Response", resp});

        SessionInfo session = new SessionInfo(sessionId());
        session.setCommandId(2);
        session.setResponseRequired(true);
        out.add(new Object[] {"SessionInfo", session});

        ConsumerInfo consumer = new ConsumerInfo(consumerId(1));
        consumer.setCommandId(3);
        consumer.setResponseRequired(true);
        consumer.setDestination(rawName(new ActiveMQQueue("TEST.QUEUE"), "TEST.QUEUE?consumer.prefetchSize=3000"));
        consumer.setPrefetchSize(3000);
        consumer.setMaximumPendingMessageLimit(0);
        consumer.setDispatchAsync(true);
        consumer.setSelector("color = 'red' AND weight > 2.5");
        consumer.setPriority((byte) 0);
        out.add(new Object[] {"ConsumerInfo", consumer});

        ConsumerInfo durable = new ConsumerInfo(consumerId(2));
        durable.setCommandId(4);
        durable.setResponseRequired(true);
        durable.setDestination(new ActiveMQTopic("TEST.TOPIC"));
        durable.setPrefetchSize(100);
        durable.setClientId("golden-client");
        durable.setSubscriptionName("durable-sub");
        durable.setNoLocal(true);
        durable.setExclusive(true);
        durable.setRetroactive(true);
        durable.setPriority((byte) -5);
        durable.setBrokerPath(new BrokerId[] {new BrokerId("broker-a"), new BrokerId("broker-b")});
        durable.setNetworkSubscription(true);
        durable.setAdditionalPredicate(
            new NetworkBridgeFilter(durable, new BrokerId("ID:golden-broker-40000-1700000000000-0:1"), 3, 2));
        durable.setNetworkConsumerPath(new ConsumerId[] {consumerId(9)});
        out.add(new Object[] {"ConsumerInfo-durable", durable});

        ProducerInfo producer = new ProducerInfo(producerId());
        producer.setCommandId(5);
        producer.setResponseRequired(true);
        producer.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        producer.setWindowSize(1024 * 1024);
        out.add(new Object[] {"ProducerInfo", producer});

        ActiveMQTextMessage text = new ActiveMQTextMessage();
        base(text, 1);
        text.setCorrelationId("corr-1");
        text.setType("golden");
        text.setGroupID("group-a");
        text.setGroupSequence(3);
        text.setExpiration(T0 + 60000);
        text.setReplyTo(new ActiveMQTempQueue(CONN + ":1"));
        text.setText("Hello, wörld \u20ac \uD83D\uDE00 \u0000 end");
        text.setStringProperty("color", "red");
        text.setIntProperty("count", 42);
        text.setLongProperty("big", 1234567890123L);
        text.setBooleanProperty("flag", true);
        text.setDoubleProperty("weight", 3.75);
        text.setByteProperty("b", (byte) -3);
        text.setShortProperty("s", (short) -300);
        text.setFloatProperty("f", 1.5f);
        text.setStringProperty("unicode", "\u00e9\u20ac\uD83D\uDE00");
        out.add(new Object[] {"TextMessage", text});

        ActiveMQTextMessage text2 = new ActiveMQTextMessage();
        base(text2, 2);
        text2.setText("second");
        if (version >= 10) {
            text2.getMessageId().setTextView("ID:custom-text-view-1");
        }
        out.add(new Object[] {"TextMessage-2", text2});

        ActiveMQBytesMessage bytes = new ActiveMQBytesMessage();
        base(bytes, 3);
        bytes.setDestination(new ActiveMQTopic("TEST.TOPIC"));
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i % 7);
        }
        bytes.writeBytes(payload);
        bytes.storeContent();
        bytes.compress();
        out.add(new Object[] {"BytesMessage-compressed", bytes});

        ActiveMQTextMessage ctext = new ActiveMQTextMessage();
        base(ctext, 4);
        ctext.setText("compress me compress me compress me compress me compress me");
        ctext.compress();
        out.add(new Object[] {"TextMessage-compressed", ctext});

        ActiveMQMapMessage map = new ActiveMQMapMessage();
        base(map, 5);
        map.setString("name", "golden");
        map.setInt("n", 7);
        map.setBytes("raw", new byte[] {1, 2, 3});
        map.setChar("c", 'x');
        out.add(new Object[] {"MapMessage", map});

        ActiveMQMessage plain = new ActiveMQMessage();
        base(plain, 6);
        plain.setPersistent(false);
        plain.setTransactionId(new LocalTransactionId(connectionId(), 5));
        out.add(new Object[] {"Message-transacted", plain});

        MessageDispatch dispatch = new MessageDispatch();
        dispatch.setCommandId(20);
        dispatch.setConsumerId(consumerId(1));
        dispatch.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        ActiveMQTextMessage dmsg = new ActiveMQTextMessage();
        base(dmsg, 7);
        dmsg.setResponseRequired(false);
        dmsg.setText("dispatched");
        dmsg.setRedeliveryCounter(1);
        dispatch.setMessage(dmsg);
        dispatch.setRedeliveryCounter(1);
        out.add(new Object[] {"MessageDispatch", dispatch});

        MessageAck ack = new MessageAck();
        ack.setCommandId(21);
        ack.setAckType(MessageAck.STANDARD_ACK_TYPE);
        ack.setConsumerId(consumerId(1));
        ack.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        ack.setFirstMessageId(messageId(1));
        ack.setLastMessageId(messageId(7));
        ack.setMessageCount(7);
        out.add(new Object[] {"MessageAck", ack});

        MessageAck poison = new MessageAck();
        poison.setCommandId(22);
        poison.setAckType(MessageAck.POISON_ACK_TYPE);
        poison.setConsumerId(consumerId(1));
        poison.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        poison.setLastMessageId(messageId(7));
        poison.setMessageCount(1);
        poison.setTransactionId(new LocalTransactionId(connectionId(), 5));
        if (version >= 7) {
            poison.setPoisonCause(new Throwable("Delivery[7] exceeds redelivery policy limit"));
            poison.getPoisonCause().setStackTrace(new StackTraceElement[0]);
        }
        out.add(new Object[] {"MessageAck-poison", poison});

        TransactionInfo begin = new TransactionInfo(connectionId(), new LocalTransactionId(connectionId(), 5),
            TransactionInfo.BEGIN);
        begin.setCommandId(23);
        out.add(new Object[] {"TransactionInfo-begin", begin});

        XATransactionId xid = new XATransactionId();
        xid.setFormatId(0x1234);
        xid.setGlobalTransactionId(new byte[] {1, 2, (byte) 0x80, (byte) 0xff, 0x10});
        xid.setBranchQualifier(new byte[] {0x0a, 0x7f});
        TransactionInfo xa = new TransactionInfo(connectionId(), xid, TransactionInfo.PREPARE);
        xa.setCommandId(24);
        xa.setResponseRequired(true);
        out.add(new Object[] {"TransactionInfo-xa", xa});

        ExceptionResponse er = new ExceptionResponse(securityException());
        er.setCorrelationId(1);
        out.add(new Object[] {"ExceptionResponse", er});

        ConnectionError ce = new ConnectionError();
        ce.setConnectionId(connectionId());
        ce.setException(new java.io.IOException("Frame size of 200 MB larger than max allowed 100 MB"));
        ce.getException().setStackTrace(new StackTraceElement[0]);
        out.add(new Object[] {"ConnectionError", ce});

        KeepAliveInfo ka = new KeepAliveInfo();
        out.add(new Object[] {"KeepAliveInfo", ka});

        DestinationInfo dinfo = new DestinationInfo(connectionId(), DestinationInfo.ADD_OPERATION_TYPE,
            new ActiveMQTempTopic(CONN + ":2"));
        dinfo.setCommandId(25);
        dinfo.setTimeout(5000);
        out.add(new Object[] {"DestinationInfo", dinfo});

        ConsumerControl cc = new ConsumerControl();
        cc.setConsumerId(consumerId(1));
        cc.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        cc.setPrefetch(10);
        cc.setStart(true);
        out.add(new Object[] {"ConsumerControl", cc});

        ConnectionControl ctl = new ConnectionControl();
        ctl.setRebalanceConnection(true);
        ctl.setReconnectTo("tcp://otherhost:61616");
        ctl.setConnectedBrokers("tcp://a:61616,tcp://b:61616");
        ctl.setToken(new byte[] {9, 8, 7});
        out.add(new Object[] {"ConnectionControl", ctl});

        if (version >= 3) {
            ProducerAck pack = new ProducerAck(producerId(), 4096);
            out.add(new Object[] {"ProducerAck", pack});
        }
        if (version >= 2) {
            MessagePull pull = new MessagePull();
            pull.setCommandId(26);
            pull.setConsumerId(consumerId(1));
            pull.setDestination(new ActiveMQQueue("TEST.QUEUE"));
            pull.setTimeout(-1);
            pull.setCorrelationId("pull-1");
            out.add(new Object[] {"MessagePull", pull});
        }

        MessageDispatchNotification mdn = new MessageDispatchNotification();
        mdn.setConsumerId(consumerId(1));
        mdn.setDestination(new ActiveMQQueue("TEST.QUEUE"));
        mdn.setDeliverySequenceId(77);
        mdn.setMessageId(messageId(7));
        out.add(new Object[] {"MessageDispatchNotification", mdn});

        ControlCommand control = new ControlCommand();
        control.setCommand("shutdown");
        out.add(new Object[] {"ControlCommand", control});

        out.add(new Object[] {"FlushCommand", new FlushCommand()});

        DataResponse dr = new DataResponse();
        dr.setCorrelationId(9);
        dr.setData(new SubscriptionInfo("golden-client", "durable-sub"));
        ((SubscriptionInfo) dr.getData()).setDestination(new ActiveMQTopic("TEST.TOPIC"));
        ((SubscriptionInfo) dr.getData()).setSubscribedDestination(new ActiveMQTopic("TEST.TOPIC"));
        out.add(new Object[] {"DataResponse", dr});

        DataArrayResponse dar = new DataArrayResponse();
        dar.setCorrelationId(10);
        dar.setData(new DataStructure[] {connectionId(), null, new ActiveMQQueue("A.B")});
        out.add(new Object[] {"DataArrayResponse", dar});

        IntegerResponse ir = new IntegerResponse(42);
        ir.setCorrelationId(11);
        out.add(new Object[] {"IntegerResponse", ir});

        ReplayCommand replay = new ReplayCommand();
        replay.setFirstNakNumber(3);
        replay.setLastNakNumber(5);
        out.add(new Object[] {"ReplayCommand", replay});

        out.add(new Object[] {"DiscoveryEvent", new DiscoveryEvent("tcp://localhost:61616")});

        PartialCommand partial = new PartialCommand();
        partial.setCommandId(30);
        partial.setData(new byte[] {1, 2, 3, 4});
        out.add(new Object[] {"PartialCommand", partial});

        RemoveSubscriptionInfo rsi = new RemoveSubscriptionInfo();
        rsi.setConnectionId(connectionId());
        rsi.setClientId("golden-client");
        rsi.setSubcriptionName("durable-sub");
        out.add(new Object[] {"RemoveSubscriptionInfo", rsi});

        if (version >= 12) {
            BrokerSubscriptionInfo bsi = new BrokerSubscriptionInfo("localhost");
            bsi.setBrokerId(new BrokerId("ID:golden-broker-40000-1700000000000-0:1"));
            bsi.setSubscriptionInfos(new ConsumerInfo[] {consumer});
            out.add(new Object[] {"BrokerSubscriptionInfo", bsi});
        }

        RemoveInfo rmConsumer = new RemoveInfo(consumerId(1));
        rmConsumer.setCommandId(40);
        rmConsumer.setResponseRequired(true);
        rmConsumer.setLastDeliveredSequenceId(RemoveInfo.LAST_DELIVERED_UNKNOWN);
        out.add(new Object[] {"RemoveInfo-consumer", rmConsumer});

        RemoveInfo rmConn = new RemoveInfo(connectionId());
        rmConn.setCommandId(41);
        rmConn.setLastDeliveredSequenceId(123456789012L);
        out.add(new Object[] {"RemoveInfo-connection", rmConn});

        ShutdownInfo shutdown = new ShutdownInfo();
        shutdown.setCommandId(42);
        out.add(new Object[] {"ShutdownInfo", shutdown});

        out.add(new Object[] {"null", null});
        return out;
    }
}
