/*
 * TideMQ benchmark load generator on the real ActiveMQ JMS client (Debian's activemq-client 5.17).
 * It runs the workload described in bench/workload.ts against one broker URL and prints one line
 * "RESULT {json}" at the end. Progress lines "PHASE <name>" stop and wait for a line on stdin so the
 * harness can sample the broker's memory and CPU at that point.
 *
 * Usage: java -cp <jars>:<classes> BenchClient --url tcp://127.0.0.1:61616 <workload arguments>
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.jms.BytesMessage;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.Destination;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;

import org.apache.activemq.ActiveMQConnectionFactory;

public final class BenchClient {
    // Workload (see bench/workload.ts for the meaning of each field).
    private String url;
    private boolean topic;
    private int destinations;
    private String prefix;
    private int producers;
    private int consumersPerDestination;
    private int consumerConnections;
    private long messages;
    private int messageSize;
    private boolean persistent;
    private boolean asyncSend;
    private long inFlight;
    private int idleConnections;
    private long stallTimeoutMs;
    private long timeoutMs;

    /**
     * The in-flight bound: a producer takes one permit per delivery its send will cause, a consumer returns one per
     * delivery. Producers block on it rather than poll `received`: a hundred producer threads polling in a loop
     * (fan-in) would take the cores from the broker under test, and from a single-threaded broker most of all.
     */
    private volatile Semaphore window;

    // Shared counters.
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lastReceiveNanos = new AtomicLong();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long startNanos = System.nanoTime();
    private final long startEpochMicros = System.currentTimeMillis() * 1000L;
    private volatile long firstSendNanos;
    private volatile long lastSendNanos;
    private final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));

    /** Epoch microseconds from the monotonic clock: cheap, and comparable with the Node generator's clock. */
    private long nowMicros() {
        return startEpochMicros + (System.nanoTime() - startNanos) / 1000L;
    }

    /** One delivery group: a queue (consumers compete) or one subscriber of a topic. Tracks seen messages. */
    private static final class Group {
        final BitSet seen = new BitSet();
        long count;
    }

    /** Latencies recorded by one session's dispatch thread; merged at the end, so no locking on the hot path. */
    private static final class Recorder {
        int[] micros = new int[1024];
        int size;

        void add(long v) {
            if (size == micros.length) micros = Arrays.copyOf(micros, micros.length * 2);
            micros[size++] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, v));
        }
    }

    private final List<Recorder> recorders = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    public static void main(String[] args) {
        BenchClient c = new BenchClient();
        int code = 0;
        try {
            c.parse(args);
            c.run();
        } catch (Throwable t) {
            c.errors.add(t.toString());
            code = 0; // the RESULT line carries the error; the harness decides what failed
        }
        System.out.println("RESULT " + c.resultJson());
        System.out.flush();
        // Connections that failed to close must not keep the JVM alive.
        Runtime.getRuntime().halt(code);
    }

    private void parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("bad argument " + args[i]);
            m.put(args[i].substring(2), args[i + 1]);
        }
        url = need(m, "url");
        String type = need(m, "destination-type");
        if (!type.equals("queue") && !type.equals("topic")) throw new IllegalArgumentException("bad destination-type");
        topic = type.equals("topic");
        prefix = need(m, "prefix");
        destinations = Integer.parseInt(need(m, "destinations"));
        producers = Integer.parseInt(need(m, "producers"));
        consumersPerDestination = Integer.parseInt(need(m, "consumers-per-destination"));
        consumerConnections = Integer.parseInt(need(m, "consumer-connections"));
        messages = Long.parseLong(need(m, "messages"));
        messageSize = Integer.parseInt(need(m, "message-size"));
        persistent = Boolean.parseBoolean(need(m, "persistent"));
        asyncSend = Boolean.parseBoolean(need(m, "async-send"));
        inFlight = Long.parseLong(need(m, "in-flight"));
        idleConnections = Integer.parseInt(need(m, "idle-connections"));
        stallTimeoutMs = Long.parseLong(need(m, "stall-timeout-ms"));
        timeoutMs = Long.parseLong(need(m, "timeout-ms"));
        if (destinations < 1 || producers < 1 || consumersPerDestination < 1 || consumerConnections < 1) {
            throw new IllegalArgumentException("destinations, producers and consumers must be at least 1");
        }
    }

    private static String need(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) throw new IllegalArgumentException("missing --" + k);
        return v;
    }

    private void phase(String name) throws Exception {
        System.out.println("PHASE " + name);
        System.out.flush();
        if (stdin.readLine() == null) throw new IllegalStateException("harness closed stdin at phase " + name);
    }

    private Connection connect(String role) throws JMSException {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory(url);
        // jms.useAsyncSend=true: persistent sends are oneways too, no Response awaited (non-persistent ones
        // outside a transaction are async by default either way).
        if (asyncSend) f.setUseAsyncSend(true);
        Connection c = f.createConnection();
        c.setExceptionListener(e -> errors.add(role + ": " + e));
        synchronized (connections) {
            connections.add(c);
        }
        return c;
    }

    private Destination destination(Session s, int i) throws JMSException {
        String name = prefix + "." + i;
        return topic ? s.createTopic(name) : s.createQueue(name);
    }

    /** Messages routed to destination d: those g < messages with g % destinations == d. */
    private long perDestination(int d) {
        return messages / destinations + (d < messages % destinations ? 1 : 0);
    }

    private void run() throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        if (idleConnections > 0) {
            phase("baseline");
            for (int i = 0; i < idleConnections; i++) {
                Connection c = connect("idle");
                c.start();
                c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            }
            phase("idle-open");
        }

        // Consumers first, so a topic subscriber misses nothing and a queue does not pile up before they attach.
        int groupCount = topic ? destinations * consumersPerDestination : destinations;
        Group[] groups = new Group[groupCount];
        for (int i = 0; i < groupCount; i++) groups[i] = new Group();
        int consumerTotal = destinations * consumersPerDestination;
        int connCount = Math.min(consumerConnections, consumerTotal);
        Session[] sessions = new Session[connCount];
        for (int i = 0; i < connCount; i++) {
            Connection c = connect("consumer");
            sessions[i] = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Recorder r = new Recorder();
            recorders.add(r);
        }
        for (int n = 0; n < consumerTotal; n++) {
            int d = n % destinations;
            int sub = n / destinations;
            int sessionIndex = n % connCount;
            Session s = sessions[sessionIndex];
            Recorder rec = recorders.get(sessionIndex);
            Group g = groups[topic ? d * consumersPerDestination + sub : d];
            MessageConsumer mc = s.createConsumer(destination(s, d));
            mc.setMessageListener(msg -> onMessage(msg, g, rec));
        }
        synchronized (connections) {
            for (Connection c : connections) c.start();
        }

        MessageProducer[] ps = new MessageProducer[producers];
        Session[] psessions = new Session[producers];
        for (int p = 0; p < producers; p++) {
            Connection c = connect("producer");
            c.start();
            psessions[p] = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // An anonymous producer sends to any destination, as a client spreading over many queues would.
            ps[p] = psessions[p].createProducer(null);
            ps[p].setDeliveryMode(persistent ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT);
        }

        phase("start");
        long fanout = topic ? consumersPerDestination : 1;
        long expected = messages * fanout;
        if (inFlight > 0) window = new Semaphore((int) Math.min(Integer.MAX_VALUE, inFlight * fanout));
        Thread[] threads = new Thread[producers];
        firstSendNanos = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            final int pi = p;
            threads[p] = new Thread(() -> produce(pi, psessions[pi], ps[pi], fanout, deadline), "producer-" + p);
            threads[p].start();
        }
        for (Thread t : threads) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        lastSendNanos = System.nanoTime();

        // Wait for the deliveries; give up after a stall so lost messages are reported, not waited for forever.
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (received.get() < expected && System.nanoTime() < deadline) {
            long r = received.get();
            if (r != lastCount) {
                lastCount = r;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stallTimeoutMs * 1_000_000L) {
                errors.add("stalled at " + r + " of " + expected + " deliveries");
                break;
            }
            Thread.sleep(5);
        }
        if (received.get() < expected && System.nanoTime() >= deadline) errors.add("timed out");
        // Late duplicates would arrive within a moment; a short grace keeps the count honest without slowing runs.
        Thread.sleep(100);

        lostCount = 0;
        for (int i = 0; i < groupCount; i++) {
            int d = topic ? i / consumersPerDestination : i;
            long want = perDestination(d);
            long got;
            synchronized (groups[i]) {
                got = groups[i].seen.cardinality();
            }
            if (got < want) lostCount += want - got;
        }
        synchronized (connections) {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (JMSException e) {
                    // closing after the measurement; a failure here changes no figure
                }
            }
        }
    }

    private long lostCount;

    private void produce(int p, Session s, MessageProducer producer, long fanout, long deadline) {
        try {
            byte[] body = new byte[messageSize];
            for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + (i % 26));
            Destination[] dests = new Destination[destinations];
            for (long k = 0; ; k++) {
                long g = k * producers + p;
                if (g >= messages) break;
                if (window != null && !window.tryAcquire((int) fanout, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    return;
                }
                int d = (int) (g % destinations);
                if (dests[d] == null) dests[d] = destination(s, d);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(body);
                m.setLongProperty("seq", g);
                m.setLongProperty("ts", nowMicros());
                producer.send(dests[d], m);
                sent.incrementAndGet();
            }
        } catch (Throwable t) {
            errors.add("producer " + p + ": " + t);
        }
    }

    private void onMessage(Message m, Group g, Recorder rec) {
        try {
            long now = nowMicros();
            long seq = m.getLongProperty("seq");
            long ts = m.getLongProperty("ts");
            int bit = (int) (seq / destinations);
            synchronized (g) {
                if (g.seen.get(bit)) duplicates.incrementAndGet();
                else g.seen.set(bit);
                g.count++;
            }
            rec.add(now - ts);
            lastReceiveNanos.set(System.nanoTime());
            received.incrementAndGet();
            Semaphore w = window;
            if (w != null) w.release();
        } catch (Throwable t) {
            errors.add("consumer: " + t);
        }
    }

    private String resultJson() {
        int total = 0;
        synchronized (recorders) {
            for (Recorder r : recorders) total += r.size;
        }
        int[] all = new int[total];
        int at = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.micros, 0, all, at, r.size);
            at += r.size;
        }
        Arrays.sort(all);
        StringBuilder b = new StringBuilder("{");
        b.append("\"sent\":").append(sent.get());
        b.append(",\"received\":").append(received.get());
        b.append(",\"lost\":").append(lostCount);
        b.append(",\"duplicates\":").append(duplicates.get());
        long first = firstSendNanos;
        b.append(",\"sendMs\":").append(first == 0 ? 0 : (lastSendNanos - first) / 1e6);
        long lr = lastReceiveNanos.get();
        b.append(",\"receiveMs\":").append(first == 0 || lr == 0 ? 0 : (lr - first) / 1e6);
        b.append(",\"latencyMs\":{");
        b.append("\"p50\":").append(pct(all, 0.50));
        b.append(",\"p99\":").append(pct(all, 0.99));
        b.append(",\"p999\":").append(pct(all, 0.999));
        b.append(",\"max\":").append(all.length == 0 ? 0 : all[all.length - 1] / 1000.0);
        b.append("},\"errors\":[");
        synchronized (errors) {
            for (int i = 0; i < errors.size() && i < 20; i++) {
                if (i > 0) b.append(',');
                b.append(quote(errors.get(i)));
            }
        }
        b.append("]}");
        return b.toString();
    }

    /** Nearest-rank percentile in milliseconds (the same definition as bench/stats.ts). */
    private static double pct(int[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }
}
