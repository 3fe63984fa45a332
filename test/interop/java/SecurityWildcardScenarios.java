import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.Destination;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.QueueBrowser;
import javax.jms.Session;
import javax.jms.TextMessage;

/**
 * Wildcard consumers under authorization through the Java client (issue 12.1), with the configuration of
 * test/interop/security-wildcards.test.ts (the seed's users, admins-only {@code secret.>} queues and topics, and
 * {@code app.>} queues for the users group). {@code security-wildcards} reports, per step, {@code ok}, the
 * exception's class and message, or the body of the first message the wildcard consumer received; the node side
 * compares that with what ActiveMQ does. The run's unique id is replaced by {@code <id>}.
 */
final class SecurityWildcardScenarios {
    private SecurityWildcardScenarios() {}

    static final String VIRTUAL_TOPIC = "VirtualTopic.alfresco.repo.events.nodes";

    static void register(Map<String, Scenario> registry) {
        registry.put("security-wildcards", SecurityWildcardScenarios::run);
    }

    @FunctionalInterface
    interface Step {
        String run(Session mine, Session admin) throws Exception;
    }

    private static void run(Ctx ctx) throws Exception {
        String id = Long.toString(System.nanoTime(), 36);
        step(ctx, id, "guest-topic-all", "guest", (s, a) -> subscribe(s, s.createTopic(">")));
        step(ctx, id, "guest-topic-virtual-all", "guest", (s, a) -> subscribe(s, s.createTopic("VirtualTopic.>")));
        step(ctx, id, "user-queue-all", "user", (s, a) -> subscribe(s, s.createQueue(">")));
        step(ctx, id, "user-queue-consumer-all", "user", (s, a) -> subscribe(s, s.createQueue("Consumer.>")));
        step(ctx, id, "guest-topic-five", "guest", (s, a) -> {
            MessageConsumer c = s.createConsumer(s.createTopic("*.*.*.*.*"));
            send(a, a.createTopic("secret.a.b." + id + ".new"), "secret");
            send(a, a.createTopic(VIRTUAL_TOPIC), "allowed");
            return first(c);
        });
        step(ctx, id, "user-queue-two", "user", (s, a) -> {
            send(a, a.createQueue("secret." + id), "secret");
            MessageConsumer c = s.createConsumer(s.createQueue("*." + id));
            send(a, a.createQueue("app." + id), "allowed");
            return first(c);
        });
        step(ctx, id, "user-browse-two", "user", (s, a) -> {
            send(a, a.createQueue("secret.b" + id), "secret");
            send(a, a.createQueue("app.b" + id), "allowed");
            QueueBrowser browser = s.createBrowser(s.createQueue("*.b" + id));
            List<String> bodies = new ArrayList<>();
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                bodies.add(((TextMessage) e.nextElement()).getText());
            }
            Collections.sort(bodies);
            return "browsed " + String.join(",", bodies);
        });
    }

    /** The step as {@code user} on its own connection, with system (an admin) sending on another. */
    private static void step(Ctx ctx, String id, String name, String user, Step step) {
        String outcome;
        Connection mine = null;
        Connection admin = null;
        try {
            mine = ctx.factory().createConnection(user, "password");
            mine.start();
            admin = ctx.factory().createConnection("system", "manager");
            admin.start();
            outcome = step.run(mine.createSession(false, Session.AUTO_ACKNOWLEDGE),
                    admin.createSession(false, Session.AUTO_ACKNOWLEDGE));
        } catch (Exception e) {
            outcome = e.getClass().getName() + ": " + e.getMessage();
        } finally {
            close(mine);
            close(admin);
        }
        ctx.note(name + "=" + outcome.replace(id, "<id>"));
    }

    private static String subscribe(Session session, Destination destination) throws JMSException {
        session.createConsumer(destination).close();
        return "ok";
    }

    private static String first(MessageConsumer consumer) throws JMSException {
        Message m = consumer.receive(Ctx.RECEIVE_MS);
        return m == null ? "nothing" : "received " + ((TextMessage) m).getText();
    }

    /** Persistent, so the send is synchronous and the message is on the broker when it returns. */
    private static void send(Session session, Destination destination, String body) throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer.send(session.createTextMessage(body));
        producer.close();
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // The outcome is already recorded.
            }
        }
    }
}
