import java.lang.reflect.Field;
import java.net.Socket;
import java.util.Map;
import javax.jms.Connection;
import javax.jms.JMSException;
import javax.jms.JMSSecurityException;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.activemq.transport.tcp.TcpTransport;

/**
 * OpenWire over ssl:// with ActiveMQSslConnectionFactory, configured property by property as the SSL transport
 * reference's Spring example does (trustStore, trustStorePassword, keyStore, keyStorePassword, brokerURL,
 * userName, password).
 *
 * <p>Arguments of every scenario: {@code trustStore trustStorePassword keyStore|- keyStorePassword|- user|- password|-}
 * after the broker URL; a store whose name ends in .p12 is given the PKCS12 type.
 */
final class SslScenarios {
    private SslScenarios() {}

    /** Runs the driver with these scenarios added; {@code java SslScenarios --serve} as for InteropDriver. */
    public static void main(String[] argv) throws Exception {
        // InteropDriver keeps its registry private and registers its own families statically; this entry point
        // adds the SSL family to it so the same driver loop serves both (see docs/interop.md).
        Field field = InteropDriver.class.getDeclaredField("SCENARIOS");
        field.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Scenario> scenarios = (Map<String, Scenario>) field.get(null);
        register(scenarios);
        InteropDriver.main(argv);
    }

    static void register(Map<String, Scenario> scenarios) {
        scenarios.put("ssl-send-receive", SslScenarios::sendReceive);
        scenarios.put("ssl-refused", SslScenarios::refused);
        scenarios.put("ssl-wrong-credentials", SslScenarios::wrongCredentials);
    }

    private static String opt(Ctx ctx, int index) {
        String value = index < ctx.args.length ? ctx.args[index] : "-";
        return value.equals("-") ? null : value;
    }

    /** The factory exactly as the seed's Spring bean sets it up, from Java. */
    static ActiveMQSslConnectionFactory factory(Ctx ctx, String password) throws Exception {
        ActiveMQSslConnectionFactory factory = new ActiveMQSslConnectionFactory();
        String trustStore = ctx.arg(0, "trustStore");
        factory.setTrustStore(trustStore);
        factory.setTrustStorePassword(ctx.arg(1, "trustStorePassword"));
        if (trustStore.endsWith(".p12")) {
            factory.setTrustStoreType("pkcs12");
        }
        String keyStore = opt(ctx, 2);
        if (keyStore != null) {
            factory.setKeyStore(keyStore);
            factory.setKeyStorePassword(opt(ctx, 3));
            if (keyStore.endsWith(".p12")) {
                factory.setKeyStoreType("pkcs12");
            }
        }
        factory.setBrokerURL(ctx.brokerUrl);
        String user = opt(ctx, 4);
        if (user != null) {
            factory.setUserName(user);
            factory.setPassword(password);
        }
        return factory;
    }

    /** Connects, sends and receives one message; notes the negotiated protocol and cipher suite. */
    private static void sendReceive(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.track((ActiveMQConnection) factory(ctx, opt(ctx, 5)).createConnection(), true);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("over TLS"));
        TextMessage message = Ctx.expect(consumer, TextMessage.class, "the message sent over TLS");
        Check.equal("over TLS", message.getText(), "body");
        SSLSession tls = sslSession(connection);
        ctx.note("protocol=" + tls.getProtocol() + " cipher=" + tls.getCipherSuite());
    }

    /** The connection must fail; the note describes the exception chain for the test to judge. */
    private static void refused(Ctx ctx) throws Exception {
        Connection connection = null;
        try {
            connection = factory(ctx, opt(ctx, 5)).createConnection();
            connection.start();
            // An ssl:// connection may only fail on its first exchange (TLS 1.3 judges the client certificate
            // after the client's side of the handshake is done).
            connection.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
        } catch (JMSException e) {
            ctx.note(chain(e));
            return;
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (JMSException ignored) {
                    // already broken
                }
            }
        }
        throw Check.fail("the connection was accepted but should have been refused");
    }

    /** simpleAuthenticationPlugin over TLS: a wrong password gives ActiveMQ's JMSSecurityException text. */
    private static void wrongCredentials(Ctx ctx) throws Exception {
        String user = Check.notNull(opt(ctx, 4), "a user name is needed");
        try {
            ctx.track(factory(ctx, opt(ctx, 5) + "-wrong").createConnection(), true);
            throw Check.fail("a wrong password was accepted");
        } catch (JMSSecurityException e) {
            Check.equal("User name [" + user + "] or password is invalid.", e.getMessage(), "JMSSecurityException text");
        }
        ActiveMQConnection ok = ctx.track((ActiveMQConnection) factory(ctx, opt(ctx, 5)).createConnection(), true);
        ok.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
    }

    /** The TLS session under an ActiveMQ connection: TcpTransport keeps its socket in a protected field. */
    static SSLSession sslSession(ActiveMQConnection connection) throws Exception {
        TcpTransport transport = Check.notNull(connection.getTransport().narrow(TcpTransport.class), "a TCP transport");
        Field field = TcpTransport.class.getDeclaredField("socket");
        field.setAccessible(true);
        Socket socket = (Socket) field.get(transport);
        return Check.instanceOf(SSLSocket.class, socket, "the transport socket").getSession();
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
