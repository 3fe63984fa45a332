import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import javax.jms.Connection;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * What a scenario gets: the broker URL, its arguments, unique destination names and connections that are closed
 * when the scenario ends (pass or fail), so one scenario never leaves consumers behind for the next.
 */
final class Ctx implements AutoCloseable {
    /** How long a receive waits for a message that must arrive. Generous: two shared cores. */
    static final long RECEIVE_MS = 10_000;
    /** How long a receive waits to show that no (further) message arrives. */
    static final long QUIET_MS = 750;

    private static final AtomicLong NEXT = new AtomicLong();

    final String brokerUrl;
    final String[] args;
    private final String scenario;
    private final String nonce;
    private final Deque<Connection> connections = new ArrayDeque<>();
    private final StringBuilder notes = new StringBuilder();

    Ctx(String scenario, String brokerUrl, String[] args) {
        this.scenario = scenario;
        this.brokerUrl = brokerUrl;
        this.args = args;
        this.nonce = Long.toString(System.currentTimeMillis(), 36) + NEXT.incrementAndGet();
    }

    /** A destination name no other scenario or run uses. */
    String name(String suffix) {
        return "interop." + scenario + "." + nonce + "." + suffix;
    }

    String arg(int index, String what) {
        if (index >= args.length) {
            throw new IllegalArgumentException(scenario + " needs argument " + (index + 1) + " (" + what + ")");
        }
        return args[index];
    }

    /** The broker URL with client options appended, e.g. {@code jms.prefetchPolicy.all=1}. */
    String url(String... options) {
        StringBuilder url = new StringBuilder(brokerUrl);
        for (String option : options) {
            url.append(url.indexOf("?") >= 0 ? '&' : '?').append(option);
        }
        return url.toString();
    }

    ActiveMQConnectionFactory factory(String... options) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url(options));
        // ObjectMessage bodies are deserialized only from trusted packages (ActiveMQ 5.12.2+); ours are java.*.
        factory.setTrustedPackages(java.util.List.of("java.lang", "java.util"));
        return factory;
    }

    /** A started connection, closed when the scenario ends. */
    ActiveMQConnection connect(String... options) throws JMSException {
        return track((ActiveMQConnection) factory(options).createConnection(), true);
    }

    ActiveMQConnection connectWithClientId(String clientId, String... options) throws JMSException {
        ActiveMQConnection connection = (ActiveMQConnection) factory(options).createConnection();
        connections.push(connection);
        connection.setClientID(clientId);
        connection.start();
        return connection;
    }

    <C extends Connection> C track(C connection, boolean start) throws JMSException {
        connections.push(connection);
        if (start) {
            connection.start();
        }
        return connection;
    }

    /** Receives a message that must arrive. */
    static <M extends Message> M expect(MessageConsumer consumer, Class<M> type, String what) throws JMSException {
        Message message = consumer.receive(RECEIVE_MS);
        if (message == null) {
            throw Check.fail("no message within " + RECEIVE_MS + " ms: " + what);
        }
        return Check.instanceOf(type, message, what);
    }

    static Message expect(MessageConsumer consumer, String what) throws JMSException {
        return expect(consumer, Message.class, what);
    }

    /** Checks that no message arrives within {@link #QUIET_MS}. */
    static void expectNone(MessageConsumer consumer, String what) throws JMSException {
        Message message = consumer.receive(QUIET_MS);
        if (message != null) {
            throw Check.fail(what + ": expected no message but got " + describe(message));
        }
    }

    static String describe(Message message) {
        try {
            return message.getClass().getSimpleName() + " " + message.getJMSMessageID() + " on "
                    + message.getJMSDestination();
        } catch (JMSException e) {
            return message.getClass().getSimpleName();
        }
    }

    void note(String text) {
        if (notes.length() > 0) {
            notes.append("; ");
        }
        notes.append(text);
    }

    String notes() {
        return notes.toString();
    }

    @Override
    public void close() {
        while (!connections.isEmpty()) {
            Connection connection = connections.pop();
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // A connection a scenario broke on purpose (dropped socket, refused login) may fail to close.
            }
        }
    }
}
