import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * The Java side of the memory tests: a producer as fast as the client goes, with the real ActiveMQ client.
 *
 * <pre>
 * java FloodClient flood &lt;brokerUrl&gt; &lt;queue&gt; &lt;bodyBytes&gt; &lt;count&gt; persistent|nonpersistent
 *   sends count text messages (properties tag=flood, seq=1..count); the URL chooses sync or async sends
 *   (jms.useAsyncSend, jms.alwaysSyncSend). Prints "S flood seq" every 1000 sends, "END ms" once done, or
 *   "X &lt;exception class&gt; &lt;message&gt;" when a send fails.
 * </pre>
 */
public final class FloodClient {
    private static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    private FloodClient() {}

    public static void main(String[] argv) throws Exception {
        System.setOut(System.err);
        if (argv.length != 6 || !argv[0].equals("flood")) {
            System.err.println("usage: FloodClient flood <url> <queue> <bodyBytes> <count> persistent|nonpersistent");
            System.exit(2);
        }
        String url = argv[1];
        int bodyBytes = Integer.parseInt(argv[3]);
        int count = Integer.parseInt(argv[4]);
        boolean persistent = argv[5].equals("persistent");
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = session.createProducer(session.createQueue(argv[2]));
        p.setDeliveryMode(persistent ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
        String body = "f".repeat(bodyBytes);
        long t0 = System.nanoTime();
        try {
            for (int seq = 1; seq <= count; seq++) {
                TextMessage m = session.createTextMessage(body);
                m.setStringProperty("tag", "flood");
                m.setIntProperty("seq", seq);
                p.send(m);
                if (seq % 1000 == 0) OUT.println("S flood " + seq);
            }
            OUT.println("END " + (System.nanoTime() - t0) / 1_000_000);
        } catch (JMSException e) {
            OUT.println("X " + e.getClass().getName() + " " + e.getMessage());
        }
        try {
            connection.close();
        } catch (JMSException e) {
            // the broker is gone; nothing to release
        }
    }
}
