import java.util.Map;
import javax.jms.BytesMessage;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.JMSSecurityException;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;

/**
 * The OpenWire half of the STOMP/OpenWire scenarios (the STOMP half is in stomp-openwire.ts; the fixture values
 * below must match STOMP_FIXTURE there), and authentication.
 */
final class BridgeScenarios {
    private BridgeScenarios() {}

    static final byte[] BINARY = {0x00, 0x01, 0x02, (byte) 0xfe, (byte) 0xff, 0x41};

    static void register(Map<String, Scenario> registry) {
        registry.put("stomp-to-openwire-check", BridgeScenarios::stompToOpenWireCheck);
        registry.put("openwire-to-stomp-send", BridgeScenarios::openWireToStompSend);
        registry.put("wrong-credentials", BridgeScenarios::wrongCredentials);
    }

    /**
     * Arg: queue name. Receives what the STOMP client sent: a frame without content-length is a TextMessage, one
     * with content-length a BytesMessage (ActiveMQ's LegacyFrameTranslator); the type header is JMSType; other
     * headers are String properties; persistent:true is a persistent message.
     */
    static void stompToOpenWireCheck(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(ctx.arg(0, "queue")));

        TextMessage text = Ctx.expect(consumer, TextMessage.class, "STOMP frame without content-length");
        Check.equal("hello from STOMP ✓", text.getText(), "text body");
        Check.equal("stomp.text", text.getJMSType(), "JMSType from the type header");
        Check.equal("blue", text.getObjectProperty("color"), "property from header color");
        Check.equal("7", text.getObjectProperty("count"), "header count arrives as a String property");
        Check.equal(DeliveryMode.PERSISTENT, text.getJMSDeliveryMode(), "persistent:true header");
        Check.equal(null, text.getObjectProperty("content-length"), "content-length must not become a property");

        BytesMessage bytes = Ctx.expect(consumer, BytesMessage.class, "STOMP frame with content-length");
        byte[] body = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(body);
        Check.equalBytes(BINARY, body, "bytes body");
        Check.equal("stomp.bytes", bytes.getJMSType(), "JMSType from the type header");
        Check.equal("square", bytes.getObjectProperty("shape"), "property from header shape");
        Check.equal(null, bytes.getObjectProperty("content-length"), "content-length must not become a property");
        Ctx.expectNone(consumer, "after the two STOMP messages");
    }

    /** Arg: queue name. Sends the TextMessage and BytesMessage the STOMP client then checks. */
    static void openWireToStompSend(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.arg(0, "queue"));
        MessageProducer producer = session.createProducer(queue);
        TextMessage text = session.createTextMessage("hello from OpenWire ✓");
        text.setJMSType("openwire.text");
        text.setStringProperty("color", "red");
        text.setIntProperty("count", 42);
        text.setBooleanProperty("flag", true);
        text.setDoubleProperty("ratio", 0.5);
        producer.send(text);
        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(BINARY);
        bytes.setJMSType("openwire.bytes");
        bytes.setStringProperty("shape", "circle");
        producer.send(bytes);
    }

    /**
     * Args: a valid user and password. The broker runs simpleAuthenticationPlugin with anonymous access allowed, so
     * no credentials pass, a password without a user name fails with ActiveMQ's exact text, a wrong password fails,
     * and the right pair works.
     */
    static void wrongCredentials(Ctx ctx) throws Exception {
        String user = ctx.arg(0, "user");
        String password = ctx.arg(1, "password");
        expectRefused(ctx, null, "wrong", "User name [null] or password is invalid.");
        expectRefused(ctx, user, password + "-wrong", "User name [" + user + "] or password is invalid.");

        Connection good = ctx.track(ctx.factory().createConnection(user, password), true);
        Session session = good.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        session.createProducer(queue).send(session.createTextMessage("authenticated"));
        Check.equal("authenticated", Ctx.expect(session.createConsumer(queue), TextMessage.class, "message").getText(),
                "body sent by an authenticated connection");
    }

    private static void expectRefused(Ctx ctx, String user, String password, String message) throws JMSException {
        Connection connection = ctx.track(ctx.factory().createConnection(user, password), false);
        try {
            // ActiveMQ sends ConnectionInfo lazily: start() is where the broker's answer arrives.
            connection.start();
            Check.fail("connection with user " + user + " and a wrong password was accepted");
        } catch (JMSSecurityException expected) {
            Check.equal(message, expected.getMessage(), "JMSSecurityException message");
        } catch (JMSException other) {
            Check.fail("expected JMSSecurityException but got " + other.getClass().getName() + ": " + other.getMessage());
        }
    }
}
