import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.jms.Connection;
import javax.jms.Destination;
import javax.jms.JMSException;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.DataStructure;
import org.apache.activemq.command.RemoveInfo;

/**
 * The consumers one broker knows on one destination, as its consumer advisory topic
 * ({@code ActiveMQ.Advisory.Consumer.Queue.<name>}) tells them: the broker replays the current consumers to a new
 * advisory subscriber, then sends a ConsumerInfo for each new consumer and a RemoveInfo for each one that leaves.
 * A network bridge shows up there as the consumer it creates on its local broker for a remote consumer (network
 * demand), so a scenario waits for that instead of sleeping before it sends.
 */
final class Demand {
    /** How long a bridge may take to carry a consumer's demand to its neighbour. Generous: two shared cores. */
    static final long DEMAND_MS = 20_000;

    private final Set<String> consumers = ConcurrentHashMap.newKeySet();
    private final String where;
    private final Object changed = new Object();
    private final long started = System.nanoTime();

    private Demand(String where) {
        this.where = where;
    }

    /** Watches `destination` on the broker at `brokerUrl`, over a connection closed when the scenario ends. */
    static Demand watch(Ctx ctx, String brokerUrl, Destination destination) throws JMSException {
        Demand demand = new Demand(destination + " on " + brokerUrl);
        Connection connection = ctx.track(new ActiveMQConnectionFactory(brokerUrl).createConnection(), false);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer advisories = session.createConsumer(
                AdvisorySupport.getConsumerAdvisoryTopic((ActiveMQDestination) destination));
        advisories.setMessageListener(message -> demand.onAdvisory(((ActiveMQMessage) message).getDataStructure()));
        connection.start();
        return demand;
    }

    private void onAdvisory(DataStructure data) {
        if (data instanceof ConsumerInfo) {
            consumers.add(((ConsumerInfo) data).getConsumerId().toString());
        } else if (data instanceof RemoveInfo) {
            consumers.remove(((RemoveInfo) data).getObjectId().toString());
        }
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    int count() {
        return consumers.size();
    }

    /** Waits until the broker knows at least `n` consumers; returns how long that took. */
    long awaitAtLeast(int n, String what) throws InterruptedException {
        return await(true, n, System.nanoTime() + DEMAND_MS * 1_000_000, what);
    }

    /** The same with a deadline (System.nanoTime()) shared by several waits. */
    long awaitAtLeast(int n, String what, long deadline) throws InterruptedException {
        return await(true, n, deadline, what);
    }

    /** Waits until the broker knows at most `n` consumers (a consumer's departure has crossed the bridge). */
    long awaitAtMost(int n, String what) throws InterruptedException {
        return await(false, n, System.nanoTime() + DEMAND_MS * 1_000_000, what);
    }

    /** Checks that the broker knows no consumer at all for `ms`: demand that must not cross the network. */
    void expectNoneFor(long ms, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        synchronized (changed) {
            for (long left = ms; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                if (!consumers.isEmpty()) {
                    break;
                }
                changed.wait(left);
            }
        }
        if (!consumers.isEmpty()) {
            throw Check.fail(what + ": expected no consumer on " + where + " but it knows " + consumers);
        }
    }

    private long await(boolean atLeast, int n, long deadline, String what) throws InterruptedException {
        synchronized (changed) {
            while (atLeast ? consumers.size() < n : consumers.size() > n) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw Check.fail(what + ": " + where + " knows " + consumers.size() + " consumer(s) " + consumers
                            + " after " + (System.nanoTime() - started) / 1_000_000 + " ms, expected " + (atLeast ? "at least " : "at most ") + n);
                }
                changed.wait(left);
            }
        }
        return (System.nanoTime() - started) / 1_000_000;
    }
}
