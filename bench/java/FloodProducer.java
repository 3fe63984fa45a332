/*
 * The flood of bench/flood-bench.ts on the real ActiveMQ JMS client (Debian's activemq-client 5.17): one connection,
 * one producer, non-persistent BytesMessages sent asynchronously (jms.useAsyncSend=true, as a fire-and-forget
 * application sends) to one queue that has no consumer. Nothing but the broker holds it back: TCP back-pressure
 * when the broker stops reading, or nothing at all when the broker keeps taking the messages.
 *
 * Usage: java -cp <jars>:<classes> FloodProducer <url> <queue> <bodyBytes> <count>
 * Prints "STARTED" before the first send, "PROGRESS <sent> <ms>" every 10% of the count, "SENT <count> <ms>" when the last send call returned and
 * "CLOSED <ms>" when connection.close() returned: close is a round trip that the broker answers only after the
 * commands before it, so by then it has taken every message. Times are from the first send. "ERROR <text>" on a
 * failure, exit status 1.
 */
import javax.jms.BytesMessage;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;

import org.apache.activemq.ActiveMQConnectionFactory;

public final class FloodProducer {
    public static void main(String[] args) {
        int status = 0;
        try {
            run(args[0], args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]));
        } catch (Throwable t) {
            System.out.println("ERROR " + t.toString().replace('\n', ' '));
            status = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    private static void run(String url, String queueName, int bodyBytes, long count) throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(url);
        f.setUseAsyncSend(true);
        Connection c = f.createConnection();
        c.setExceptionListener(e -> System.out.println("ERROR connection: " + e));
        c.start();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = s.createQueue(queueName);
        MessageProducer p = s.createProducer(q);
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + (i % 26));
        long step = Math.max(1, count / 10);
        System.out.println("STARTED");
        System.out.flush();
        long t0 = System.nanoTime();
        for (long i = 0; i < count; i++) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            m.setLongProperty("seq", i);
            p.send(m);
            if ((i + 1) % step == 0) {
                System.out.println("PROGRESS " + (i + 1) + " " + (System.nanoTime() - t0) / 1_000_000L);
                System.out.flush();
            }
        }
        System.out.println("SENT " + count + " " + (System.nanoTime() - t0) / 1_000_000L);
        System.out.flush();
        c.close();
        System.out.println("CLOSED " + (System.nanoTime() - t0) / 1_000_000L);
    }
}
