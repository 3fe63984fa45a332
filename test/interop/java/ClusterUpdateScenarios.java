import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.jms.MessageConsumer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.command.ConnectionControl;
import org.apache.activemq.transport.TransportListener;
import org.apache.activemq.transport.failover.FailoverTransport;

/**
 * Failover cluster updates (transportConnector updateClusterClients / rebalanceClusterClients) as the stock
 * Java client's failover: transport sees them. The broker URL is a {@code failover:(tcp://A)?randomize=false};
 * the test makes a second broker B known to A while the scenario runs (a network connection to A announcing B),
 * and the scenario reports which broker each connection ends up on.
 */
final class ClusterUpdateScenarios {
    private ClusterUpdateScenarios() {}

    static final long WAIT_MS = 20_000;

    static void register(Map<String, Scenario> registry) {
        registry.put("cluster-update-learn", ClusterUpdateScenarios::learn);
        registry.put("cluster-update-rebalance", ClusterUpdateScenarios::rebalance);
    }

    /**
     * Args: B's URL, a marker file. Waits for a ConnectionControl listing B, writes the marker (the test then
     * stops A), and checks the client fails over to B — a broker it only knows from the update — and works there.
     */
    static void learn(Ctx ctx) throws Exception {
        URI b = new URI(ctx.arg(0, "the second broker's URL"));
        Path marker = Path.of(ctx.arg(1, "marker file"));
        List<String> updates = new CopyOnWriteArrayList<>();
        ActiveMQConnection c = connectRecording(ctx, updates);
        waitUntil(() -> updates.stream().anyMatch(u -> u.contains(b.toString())), "a ConnectionControl listing " + b
                + " (got " + updates + ")");
        Files.writeString(marker, String.join("\n", updates));
        waitUntil(() -> samePort(connectedUri(c), b), "failover to " + b + " (connected to " + connectedUri(c) + ")");
        roundTrip(ctx, c, "after failover to B");
        ctx.note("updates " + updates + ", connected to " + connectedUri(c));
    }

    /**
     * Args: A's URL, B's URL, a marker file. Two connections to A; the marker says both are up (the test then makes
     * B known to A). With rebalanceClusterClients, A tells them the list rotated per connection: the first is told
     * "A,B" and stays, the second "B,A" and moves to B, where it works.
     */
    static void rebalance(Ctx ctx) throws Exception {
        URI a = new URI(ctx.arg(0, "the first broker's URL"));
        URI b = new URI(ctx.arg(1, "the second broker's URL"));
        Path marker = Path.of(ctx.arg(2, "marker file"));
        List<String> firstUpdates = new CopyOnWriteArrayList<>();
        List<String> secondUpdates = new CopyOnWriteArrayList<>();
        ActiveMQConnection first = connectRecording(ctx, firstUpdates);
        ActiveMQConnection second = connectRecording(ctx, secondUpdates);
        Files.writeString(marker, "connected");
        waitUntil(() -> samePort(connectedUri(second), b), "the second connection rebalanced to " + b
                + " (updates " + secondUpdates + ", connected to " + connectedUri(second) + ")");
        Check.isTrue(samePort(connectedUri(first), a), "the first connection stays on A, is on " + connectedUri(first));
        roundTrip(ctx, second, "on B after rebalancing");
        roundTrip(ctx, first, "on A");
        ctx.note("first " + connectedUri(first) + " " + firstUpdates + ", second " + connectedUri(second) + " "
                + secondUpdates);
    }

    /** A started connection whose ConnectionControl commands' connectedBrokers are recorded. */
    private static ActiveMQConnection connectRecording(Ctx ctx, List<String> updates) throws Exception {
        ActiveMQConnection c = (ActiveMQConnection) ctx.factory().createConnection();
        c.addTransportListener(new TransportListener() {
            @Override
            public void onCommand(Object command) {
                if (command instanceof ConnectionControl) {
                    String brokers = ((ConnectionControl) command).getConnectedBrokers();
                    if (brokers != null && !brokers.isEmpty()) {
                        updates.add(brokers);
                    }
                }
            }

            @Override
            public void onException(java.io.IOException error) {}

            @Override
            public void transportInterupted() {}

            @Override
            public void transportResumed() {}
        });
        ctx.track(c, true);
        return c;
    }

    private static String connectedUri(ActiveMQConnection c) {
        FailoverTransport failover = c.getTransport().narrow(FailoverTransport.class);
        return failover == null ? null : failover.getConnectedTransportURI() == null ? null
                : failover.getConnectedTransportURI().toString();
    }

    private static boolean samePort(String connected, URI expected) {
        if (connected == null) {
            return false;
        }
        return URI.create(connected).getPort() == expected.getPort();
    }

    private static void roundTrip(Ctx ctx, ActiveMQConnection c, String what) throws Exception {
        Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("cluster"));
        MessageConsumer consumer = session.createConsumer(queue);
        session.createProducer(queue).send(session.createTextMessage(what));
        Check.equal(what, Ctx.expect(consumer, TextMessage.class, what).getText(), what);
        session.close();
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw Check.fail("timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
