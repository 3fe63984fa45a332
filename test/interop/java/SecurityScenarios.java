import java.util.LinkedHashMap;
import java.util.Map;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.Destination;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TemporaryQueue;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * Authentication and authorization as a client sees them. {@code security-probe <user|-> <password|->} tries each
 * operation of the seed's use case (Alfresco's activemq-advanced-settings.md) on its own connection and reports,
 * per step, {@code ok} or the exception's class and message: the node side compares that table with what
 * ActiveMQ does, on both brokers. The run's unique id in names and messages is replaced by {@code <id>}.
 */
final class SecurityScenarios {
    private SecurityScenarios() {}

    static final String VIRTUAL_TOPIC = "VirtualTopic.alfresco.repo.events.nodes";

    static void register(Map<String, Scenario> registry) {
        registry.put("security-probe", SecurityScenarios::probe);
        SecurityWildcardScenarios.register(registry);
    }

    @FunctionalInterface
    interface Step {
        void run(Session session, Connection connection) throws Exception;
    }

    private static void probe(Ctx ctx) throws Exception {
        String user = nullable(ctx.arg(0, "user name or -"));
        String password = nullable(ctx.arg(1, "password or -"));
        String id = Long.toString(System.nanoTime(), 36);
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("connect", (s, c) -> {});
        steps.put("publish-virtual-topic", (s, c) -> send(s, s.createTopic(VIRTUAL_TOPIC)));
        steps.put("subscribe-virtual-topic", (s, c) -> s.createConsumer(s.createTopic(VIRTUAL_TOPIC)).close());
        steps.put("consume-consumer-queue", (s, c) -> s.createConsumer(
                s.createQueue("Consumer." + id + "." + VIRTUAL_TOPIC + "?consumer.prefetchSize=3000")).close());
        steps.put("consume-consumer-topic-literal", (s, c) -> s.createConsumer(
                s.createTopic("Consumer." + id + "." + VIRTUAL_TOPIC + ">")).close());
        steps.put("consume-consumer-topic-child", (s, c) -> s.createConsumer(
                s.createTopic("Consumer." + id + "." + VIRTUAL_TOPIC + ".child")).close());
        steps.put("subscribe-advisory", (s, c) -> s.createConsumer(s.createTopic("ActiveMQ.Advisory.Queue")).close());
        steps.put("publish-advisory", (s, c) -> send(s, s.createTopic("ActiveMQ.Advisory.Probe" + id)));
        steps.put("send-uncovered-queue", (s, c) -> send(s, s.createQueue("interop.security.Q" + id)));
        steps.put("consume-uncovered-queue", (s, c) -> s.createConsumer(s.createQueue("interop.security.Q" + id)).close());
        steps.put("temp-queue-request-reply", SecurityScenarios::tempQueueRoundTrip);
        for (Map.Entry<String, Step> step : steps.entrySet()) {
            String outcome = attempt(ctx, user, password, step.getValue());
            ctx.note(step.getKey() + "=" + outcome.replace(id, "<id>"));
            // Without a connection nothing else can be tried; one line says why.
            if (step.getKey().equals("connect") && !outcome.equals("ok")) {
                break;
            }
        }
    }

    /** A fresh connection per step, so one refusal (or a connection the broker closes) cannot affect the next. */
    private static String attempt(Ctx ctx, String user, String password, Step step) {
        ActiveMQConnectionFactory factory = ctx.factory();
        Connection connection = null;
        try {
            connection = factory.createConnection(user, password);
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            step.run(session, connection);
            return "ok";
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (JMSException | RuntimeException e) {
                    // A refused connection may fail to close; the outcome is already recorded.
                }
            }
        }
    }

    /** A persistent send is synchronous, so a refusal comes back from send() itself. */
    private static void send(Session session, Destination destination) throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer.send(session.createTextMessage("probe"));
        producer.close();
    }

    /** Requests go to the virtual topic; the reply comes back on a temporary queue. */
    private static void tempQueueRoundTrip(Session session, Connection connection) throws Exception {
        TemporaryQueue replies = session.createTemporaryQueue();
        MessageConsumer consumer = session.createConsumer(replies);
        MessageProducer producer = session.createProducer(replies);
        TextMessage reply = session.createTextMessage("reply");
        producer.send(reply);
        Message got = consumer.receive(Ctx.RECEIVE_MS);
        Check.isTrue(got instanceof TextMessage && "reply".equals(((TextMessage) got).getText()),
                "the reply on the temporary queue arrives");
        consumer.close();
        producer.close();
        replies.delete();
    }

    private static String nullable(String arg) {
        return arg.equals("-") ? null : arg;
    }
}
