import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * The Java side of the master/slave tests (test/ha, bench/failover-bench.ts): the stock ActiveMQ client on a
 * failover: URL, reporting on stdout one line per event the broker confirmed.
 *
 * <pre>
 * java FailoverClient send &lt;failoverUrl&gt; &lt;queue&gt; &lt;stopFile&gt;
 *   persistent sends (synchronous: send() returns once the broker acknowledged), body = sequence number, until
 *   stopFile exists: "S seq" per acknowledged send; a send failing with an exception prints "X class message" and
 *   the loop goes on (the failover transport normally hides the broker's death by blocking and resending);
 *   "END" at the end
 * java FailoverClient drain &lt;url&gt; &lt;queue&gt; &lt;idleMs&gt;
 *   receives (AUTO_ACKNOWLEDGE) until nothing arrives for idleMs: "R seq" per message, then "END"
 * </pre>
 */
public final class FailoverClient {
    private static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    private FailoverClient() {}

    public static void main(String[] argv) throws Exception {
        System.setOut(System.err);
        if (argv.length == 4 && argv[0].equals("send")) {
            send(argv[1], argv[2], new File(argv[3]));
        } else if (argv.length == 4 && argv[0].equals("drain")) {
            drain(argv[1], argv[2], Long.parseLong(argv[3]));
        } else {
            System.err.println("usage: FailoverClient send <url> <queue> <stopFile> | drain <url> <queue> <idleMs>");
            System.exit(2);
        }
        OUT.println("END");
        System.exit(0);
    }

    private static void send(String url, String queue, File stopFile) throws Exception {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (long seq = 1; !stopFile.exists(); seq++) {
                try {
                    producer.send(session.createTextMessage(Long.toString(seq)));
                    OUT.println("S " + seq);
                } catch (Exception e) {
                    OUT.println("X " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            }
        } finally {
            connection.close();
        }
    }

    private static void drain(String url, String queue, long idleMs) throws Exception {
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (;;) {
                Message m = consumer.receive(idleMs);
                if (m == null) break;
                OUT.println("R " + ((TextMessage) m).getText());
            }
        } finally {
            connection.close();
        }
    }
}
