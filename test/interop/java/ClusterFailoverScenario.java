import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.transport.TransportListener;

/**
 * args: A B DIR. A and B form a network (A bridges to B). A producer on {@code failover:(A,B)?randomize=false}
 * sends persistent messages to A, with no consumer anywhere, so they stay in A's store; the test SIGKILLs A while
 * it sends. The client must carry on against B without a failed send. Then a consumer opens on B and the test
 * restarts A, whose bridge sees that consumer's demand and forwards what A had stored. Every message whose send returned must reach the consumer: lost = 0. A send that was in flight at the
 * kill may be stored on A and resent to B by the failover transport, so it can arrive twice; duplicates are
 * counted and reported, not hidden.
 *
 * <p>The test and this scenario meet through files in DIR: this side writes {@code ready} after 100 acknowledged
 * sends (the test then kills A) and {@code sent} once it has sent 100 more after the reconnect (the test then
 * restarts A).
 */
final class ClusterFailoverScenario {
    private ClusterFailoverScenario() {}

    private static final int BEFORE_KILL = 100;
    private static final int AFTER_RECONNECT = 100;
    private static final long SEND_PHASE_MS = 60_000;
    private static final long DELIVERY_MS = 60_000;

    static void run(Ctx ctx) throws Exception {
        String a = ctx.brokerUrl;
        String b = ctx.arg(0, "broker B");
        Path dir = Paths.get(ctx.arg(1, "signal directory"));
        Queue queue = ClusterScenarios.session(ctx, a).createQueue(ctx.name("q"));

        AtomicInteger interruptions = new AtomicInteger();
        AtomicInteger resumptions = new AtomicInteger();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
                "failover:(" + a + "," + b + ")?randomize=false&initialReconnectDelay=100&maxReconnectDelay=1000");
        ActiveMQConnection connection = (ActiveMQConnection) ctx.track(factory.createConnection(), false);
        connection.addTransportListener(new TransportListener() {
            @Override
            public void onCommand(Object command) {}

            @Override
            public void onException(IOException error) {}

            @Override
            public void transportInterupted() {
                interruptions.incrementAndGet();
            }

            @Override
            public void transportResumed() {
                resumptions.incrementAndGet();
            }
        });
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);

        Set<Integer> acknowledged = new TreeSet<>();
        // Counted once the transport was interrupted: a send that returns after that went to B.
        int sentAfterResume = 0;
        int storedOnA = 0;
        long deadline = System.nanoTime() + SEND_PHASE_MS * 1_000_000;
        for (int seq = 0; sentAfterResume < AFTER_RECONNECT; seq++) {
            if (System.nanoTime() > deadline) {
                throw Check.fail(acknowledged.size() + " sends acknowledged in " + SEND_PHASE_MS + " ms, "
                        + interruptions.get() + " interruption(s), " + resumptions.get() + " resumption(s): "
                        + (interruptions.get() == 0 ? "the test never killed A" : "the client did not resume on B"));
            }
            javax.jms.Message m = session.createTextMessage("m" + seq);
            m.setIntProperty("seq", seq);
            producer.send(m); // a failed send throws: the failover transport must hide the kill
            acknowledged.add(seq);
            if (acknowledged.size() == BEFORE_KILL) {
                Files.writeString(dir.resolve("ready"), "");
            }
            if (interruptions.get() > 0) {
                sentAfterResume++;
            } else {
                storedOnA++;
            }
        }
        Files.writeString(dir.resolve("sent"), "");

        // Only now a consumer, on B: what A acknowledged before the kill is in A's store alone, and reaches it only
        // once A is back and its bridge sees this consumer's demand.
        Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger redeliveredFlagged = new AtomicInteger();
        Session onB = ClusterScenarios.session(ctx, b);
        MessageConsumer consumer = onB.createConsumer(queue);
        consumer.setMessageListener(message -> {
            try {
                received.computeIfAbsent(message.getIntProperty("seq"), k -> new AtomicInteger()).incrementAndGet();
                if (message.getJMSRedelivered()) {
                    redeliveredFlagged.incrementAndGet();
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });

        String connectedTo = String.valueOf(
                connection.getTransport().narrow(org.apache.activemq.transport.failover.FailoverTransport.class)
                        .getConnectedTransportURI());
        Check.isTrue(connectedTo.endsWith(b.substring(b.lastIndexOf(':'))),
                "the failover client should now be connected to B (" + b + ") but is on " + connectedTo);

        // A comes back (the test restarts it) and forwards what it stored before the kill to B's consumer.
        long until = System.nanoTime() + DELIVERY_MS * 1_000_000;
        while (System.nanoTime() < until && !received.keySet().containsAll(acknowledged)) {
            Thread.sleep(100);
        }
        Thread.sleep(Ctx.QUIET_MS); // late duplicates
        Set<Integer> lost = new TreeSet<>(acknowledged);
        lost.removeAll(received.keySet());
        int duplicates = 0;
        int unacknowledged = 0;
        for (Map.Entry<Integer, AtomicInteger> e : received.entrySet()) {
            duplicates += e.getValue().get() - 1;
            if (!acknowledged.contains(e.getKey())) {
                unacknowledged++;
            }
        }
        ctx.note("acknowledged " + acknowledged.size() + " (" + storedOnA + " by A before the kill), received " + received.size() + " distinct, lost "
                + lost.size() + ", duplicates " + duplicates + " (" + redeliveredFlagged.get()
                + " flagged JMSRedelivered), stored without acknowledgement " + unacknowledged + ", interruptions "
                + interruptions.get());
        if (!lost.isEmpty()) {
            // Say which half failed: A's bridge never learned of B's consumer, or it knew and forwarded nothing.
            String demandOnA;
            try {
                Demand demand = Demand.watch(ctx, a, queue);
                demand.awaitAtLeast(1, "B's consumer on A", System.nanoTime() + 2_000_000_000L);
                demandOnA = "A (restarted) knows " + demand.count() + " consumer(s) on the queue: demand reached it";
            } catch (Check.CheckFailed | JMSException e) {
                demandOnA = "A (restarted) knows no consumer on the queue: B's demand never reached it";
            }
            throw Check.fail(lost.size() + " acknowledged persistent message(s) never reached B's consumer within "
                    + DELIVERY_MS + " ms: seq " + abbreviate(lost) + "; " + demandOnA + " (" + ctx.notes() + ")");
        }
    }

    private static String abbreviate(Set<Integer> seqs) {
        String text = seqs.toString();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
