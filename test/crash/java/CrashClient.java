import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * The Java side of the crash tests: drives persistent traffic with the real ActiveMQ client and reports on stdout,
 * one line per event, only what the broker has confirmed, so the test can tell which sends and acks were
 * acknowledged when the broker is killed.
 *
 * <pre>
 * java CrashClient work  &lt;brokerUrl&gt; &lt;queue&gt; &lt;producerTag&gt; &lt;count&gt; client|tx
 *   two producers (tags tag-1, tag-2): persistent sends; "S tag seq" once send() (client) or commit() (tx) returned
 *   consumer: "G tag seq" when received, "A tag seq" once acknowledge() returned (CLIENT_ACKNOWLEDGE; the URL sets jms.sendAcksAsync=false so
 *             the ack is a request the broker answers) or commit() returned (tx)
 *   both stop at the first JMSException (the broker died) and the JVM prints "END" and exits 0
 * java CrashClient drain &lt;brokerUrl&gt; &lt;queue,queue,...&gt; &lt;idleMs&gt;
 *   from each queue in turn, receives without acknowledging until nothing arrives for idleMs: "R tag seq" per message, then "END"
 * java CrashClient fill &lt;brokerUrl&gt; &lt;queue&gt; &lt;bodyBytes&gt; &lt;max&gt;
 *   persistent sends until one fails or max were sent: "S fill seq" per send, then
 *   "X &lt;exception class&gt; &lt;message&gt;" for the failure
 * java CrashClient consume &lt;brokerUrl&gt; &lt;queue&gt; &lt;idleMs&gt;
 *   receives and acknowledges (AUTO_ACKNOWLEDGE) until idle: "R tag seq" per message
 * </pre>
 *
 * stdout is reserved for these lines (library logging goes to stderr) and flushed per line.
 */
public final class CrashClient {
    private static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    /** Messages per transaction in tx mode. */
    private static final int TX_BATCH = 4;
    /** Producers per run, each on its own session and tagged tag-1, tag-2, …: several streams whose order is checked. */
    private static final int PRODUCERS = 2;

    private CrashClient() {}

    public static void main(String[] argv) throws Exception {
        System.setOut(System.err);
        if (argv.length == 6 && argv[0].equals("work")) {
            work(argv[1], argv[2], argv[3], Integer.parseInt(argv[4]), argv[5].equals("tx"));
        } else if (argv.length == 4 && argv[0].equals("drain")) {
            drain(argv[1], argv[2], Long.parseLong(argv[3]));
        } else if (argv.length == 5 && argv[0].equals("fill")) {
            fill(argv[1], argv[2], Integer.parseInt(argv[3]), Integer.parseInt(argv[4]));
        } else if (argv.length == 4 && argv[0].equals("consume")) {
            consume(argv[1], argv[2], Long.parseLong(argv[3]));
        } else {
            System.err.println("usage: CrashClient work <url> <queue> <tag> <count> client|tx | drain <url> <queue> <idleMs>");
            System.exit(2);
        }
        OUT.println("END");
        System.exit(0);
    }

    private static synchronized void report(String line) {
        OUT.println(line);
    }

    private static void work(String url, String queueName, String tag, int count, boolean tx) throws Exception {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        Connection producerConnection = factory.createConnection();
        Connection consumerConnection = factory.createConnection();
        producerConnection.start();
        consumerConnection.start();
        List<Thread> producers = new ArrayList<>();
        for (int i = 1; i <= PRODUCERS; i++) {
            String producerTag = tag + "-" + i;
            producers.add(new Thread(() -> produce(producerConnection, queueName, producerTag, count, tx), "producer-" + i));
        }
        Thread consumer = new Thread(() -> {
            try {
                Session session = consumerConnection.createSession(tx, tx ? Session.SESSION_TRANSACTED : Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer c = session.createConsumer(session.createQueue(queueName));
                List<String> batch = new ArrayList<>();
                int seen = 0;
                while (seen < count * PRODUCERS) {
                    Message m = c.receive(1000);
                    if (m == null) break;
                    seen++;
                    String id = m.getStringProperty("tag") + " " + m.getIntProperty("seq");
                    report("G " + id);
                    String line = "A " + id;
                    if (!tx) {
                        m.acknowledge();
                        report(line);
                        continue;
                    }
                    batch.add(line);
                    if (batch.size() == TX_BATCH) {
                        session.commit();
                        for (String l : batch) report(l);
                        batch.clear();
                    }
                }
                if (tx && !batch.isEmpty()) {
                    session.commit();
                    for (String l : batch) report(l);
                }
            } catch (JMSException e) {
                System.err.println("consumer stopped: " + e);
            }
        }, "consumer");
        for (Thread p : producers) p.start();
        consumer.start();
        for (Thread p : producers) p.join();
        consumer.join();
        // No close: after a crash it would only wait on a dead transport, and main() exits the JVM anyway.
    }

    private static void produce(Connection connection, String queueName, String tag, int count, boolean tx) {
        try {
            Session session = connection.createSession(tx, tx ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue(queueName);
            MessageProducer p = session.createProducer(queue);
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            List<Integer> batch = new ArrayList<>();
            for (int seq = 1; seq <= count; seq++) {
                TextMessage m = session.createTextMessage(tag + ":" + seq);
                m.setStringProperty("tag", tag);
                m.setIntProperty("seq", seq);
                p.send(m);
                if (!tx) {
                    report("S " + tag + " " + seq);
                    continue;
                }
                batch.add(seq);
                if (batch.size() == TX_BATCH || seq == count) {
                    session.commit();
                    for (int s : batch) report("S " + tag + " " + s);
                    batch.clear();
                }
            }
        } catch (JMSException e) {
            System.err.println("producer stopped: " + e);
        }
    }

    private static void drain(String url, String queueNames, long idleMs) throws Exception {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        for (String queueName : queueNames.split(",")) {
            MessageConsumer c = session.createConsumer(session.createQueue(queueName));
            for (;;) {
                Message m = c.receive(idleMs);
                if (m == null) break;
                report("R " + m.getStringProperty("tag") + " " + m.getIntProperty("seq"));
            }
            c.close();
        }
        closeQuietly(connection);
    }

    private static void fill(String url, String queueName, int bodyBytes, int max) throws Exception {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = session.createProducer(session.createQueue(queueName));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        String body = "f".repeat(bodyBytes);
        try {
            for (int seq = 1; seq <= max; seq++) {
                TextMessage m = session.createTextMessage(body);
                m.setStringProperty("tag", "fill");
                m.setIntProperty("seq", seq);
                p.send(m);
                report("S fill " + seq);
            }
        } catch (JMSException e) {
            report("X " + e.getClass().getName() + " " + e.getMessage());
        }
        closeQuietly(connection);
    }

    private static void consume(String url, String queueName, long idleMs) throws Exception {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer c = session.createConsumer(session.createQueue(queueName));
        for (;;) {
            Message m = c.receive(idleMs);
            if (m == null) break;
            report("R " + m.getStringProperty("tag") + " " + m.getIntProperty("seq"));
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (JMSException e) {
            // the broker is gone; nothing to release on its side
        }
    }
}
