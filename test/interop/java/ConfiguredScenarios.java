import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.jms.DeliveryMode;
import javax.jms.Destination;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.QueueBrowser;
import javax.jms.ResourceAllocationException;
import javax.jms.Session;
import javax.jms.TemporaryQueue;
import javax.jms.TextMessage;
import javax.jms.Topic;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ScheduledMessage;
import org.apache.activemq.ActiveMQMessageConsumer;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.ProducerInfo;

/**
 * Scenarios that need the broker configuration of test/interop/semantics-configured.test.ts (schedulerSupport,
 * destination policies, redeliveryPlugin, virtual destinations). Each one relies only on what that activemq.xml
 * sets up for destinations named {@code interop.<scenario>.…}, so both brokers run the very same file. What each
 * asserts is what Debian's ActiveMQ 5.17.2 does; where that differs from what one might expect, the comment says so.
 */
final class ConfiguredScenarios {
    private ConfiguredScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("cfg-scheduled-delay", ConfiguredScenarios::scheduledDelay);
        registry.put("cfg-scheduled-repeat", ConfiguredScenarios::scheduledRepeat);
        registry.put("cfg-scheduler-management", ConfiguredScenarios::schedulerManagement);
        registry.put("cfg-priority", ConfiguredScenarios::priority);
        registry.put("cfg-individual-dlq", ConfiguredScenarios::individualDlq);
        registry.put("cfg-dlq-flags", ConfiguredScenarios::dlqFlags);
        registry.put("cfg-redelivery-plugin", ConfiguredScenarios::redeliveryPlugin);
        registry.put("cfg-pfc", ConfiguredScenarios::sendFailIfNoSpace);
        registry.put("cfg-last-image", ConfiguredScenarios::lastImage);
        registry.put("cfg-fixed-count", ConfiguredScenarios::fixedCount);
        registry.put("cfg-composite", ConfiguredScenarios::compositeQueue);
        registry.put("cfg-vt", ConfiguredScenarios::selectorAwareVirtualTopic);
        registry.put("cfg-expired-advisory", ConfiguredScenarios::expiredAdvisory);
        registry.put("cfg-no-consumer", ConfiguredScenarios::noConsumerAdvisory);
        registry.put("cfg-msg-advisories", ConfiguredScenarios::deliveredAndConsumedAdvisories);
        registry.put("cfg-slow-consumer", ConfiguredScenarios::slowConsumerAdvisory);
        registry.put("cfg-fast-producer", ConfiguredScenarios::fastProducerAdvisory);
        registry.put("cfg-abort-slow", ConfiguredScenarios::abortSlowConsumer);
    }

    private static void assertNoScheduleProperties(Message m, String what) throws Exception {
        for (String p : new String[] {ScheduledMessage.AMQ_SCHEDULED_DELAY, ScheduledMessage.AMQ_SCHEDULED_PERIOD,
                ScheduledMessage.AMQ_SCHEDULED_REPEAT, ScheduledMessage.AMQ_SCHEDULED_CRON}) {
            Check.isTrue(!m.propertyExists(p), what + ": " + p + " must be gone from the sent copy");
        }
    }

    /** AMQ_SCHEDULED_DELAY: not before the delay; then once, with scheduledJobId and without the schedule. */
    static void scheduledDelay(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer consumer = session.createConsumer(queue);
        TextMessage m = session.createTextMessage("later");
        m.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY, 2000);
        long sent = System.currentTimeMillis();
        session.createProducer(queue).send(m);
        // A lower bound only: the broker must hold the message at least this long (the delay is 2 s).
        Ctx.expectNone(consumer, "a message scheduled 2 s ahead, during its first 750 ms");
        TextMessage got = Ctx.expect(consumer, TextMessage.class, "the delayed message");
        long waited = System.currentTimeMillis() - sent;
        Check.isTrue(waited >= 1900, "delivered after " + waited + " ms, before its 2000 ms delay");
        Check.equal("later", got.getText(), "body");
        Check.notNull(got.getStringProperty("scheduledJobId"), "scheduledJobId on the delivered copy");
        assertNoScheduleProperties(got, "delayed copy");
        Check.equal(m.getJMSMessageID(), got.getJMSMessageID(), "a single send keeps the message id");
        Ctx.expectNone(consumer, "a second copy of a delay-only message");
    }

    /** AMQ_SCHEDULED_PERIOD + AMQ_SCHEDULED_REPEAT=2: three copies, each with its own id, one job id. */
    static void scheduledRepeat(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer consumer = session.createConsumer(queue);
        TextMessage m = session.createTextMessage("tick");
        m.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_PERIOD, 300);
        m.setIntProperty(ScheduledMessage.AMQ_SCHEDULED_REPEAT, 2);
        session.createProducer(queue).send(m);
        Set<String> ids = new HashSet<>();
        Set<String> jobs = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            TextMessage got = Ctx.expect(consumer, TextMessage.class, "copy " + i + " of 3");
            Check.equal("tick", got.getText(), "body of copy " + i);
            assertNoScheduleProperties(got, "copy " + i);
            ids.add(got.getJMSMessageID());
            jobs.add(got.getStringProperty("scheduledJobId"));
        }
        Check.equal(3, ids.size(), "each repeated copy has its own JMSMessageID");
        Check.equal(1, jobs.size(), "one scheduledJobId for the whole run");
        Check.isTrue(!ids.contains(m.getJMSMessageID()), "repeated copies get new ids");
        Ctx.expectNone(consumer, "a fourth copy (repeat 2 = three sends)");
    }

    private static List<Message> browseJobs(Session session, MessageProducer management, TemporaryQueue replies,
            MessageConsumer replyConsumer) throws Exception {
        Message browse = session.createMessage();
        browse.setStringProperty(ScheduledMessage.AMQ_SCHEDULER_ACTION, ScheduledMessage.AMQ_SCHEDULER_ACTION_BROWSE);
        browse.setJMSReplyTo(replies);
        management.send(browse);
        List<Message> jobs = new ArrayList<>();
        for (Message m = replyConsumer.receive(1500); m != null; m = replyConsumer.receive(750)) {
            jobs.add(m);
        }
        return jobs;
    }

    /**
     * ActiveMQ.Scheduler.Management: BROWSE sends every pending job to the JMSReplyTo (original body and
     * schedule, scheduledJobId, JMSType Advisory, originalDestination = where it will go); REMOVE deletes the job
     * named by scheduledJobId; REMOVEALL deletes the rest. Removed jobs are never delivered.
     */
    static void schedulerManagement(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);
        for (String body : new String[] {"job-a", "job-b", "job-c"}) {
            TextMessage m = session.createTextMessage(body);
            m.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY, 3000);
            producer.send(m);
        }
        TemporaryQueue replies = session.createTemporaryQueue();
        MessageConsumer replyConsumer = session.createConsumer(replies);
        MessageProducer management = session.createProducer(
                session.createTopic(ScheduledMessage.AMQ_SCHEDULER_MANAGEMENT_DESTINATION));

        List<Message> jobs = browseJobs(session, management, replies, replyConsumer);
        List<String> bodies = new ArrayList<>();
        String jobOfB = null;
        for (Message job : jobs) {
            TextMessage t = Check.instanceOf(TextMessage.class, job, "browsed job");
            bodies.add(t.getText());
            Check.notNull(t.getStringProperty("scheduledJobId"), "browsed job has scheduledJobId");
            Check.equal(3000L, t.getLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY), "browsed job keeps its delay");
            Check.equal("Advisory", t.getJMSType(), "browsed job JMSType");
            Check.equal(queue, ((ActiveMQMessage) t).getOriginalDestination(), "browsed job originalDestination");
            Check.equal(DeliveryMode.NON_PERSISTENT, t.getJMSDeliveryMode(), "browsed copy delivery mode");
            if (t.getText().equals("job-b")) {
                jobOfB = t.getStringProperty("scheduledJobId");
            }
        }
        java.util.Collections.sort(bodies);
        Check.equal(List.of("job-a", "job-b", "job-c"), bodies, "browsed jobs");

        Message remove = session.createMessage();
        remove.setStringProperty(ScheduledMessage.AMQ_SCHEDULER_ACTION, ScheduledMessage.AMQ_SCHEDULER_ACTION_REMOVE);
        remove.setStringProperty(ScheduledMessage.AMQ_SCHEDULED_ID, jobOfB);
        management.send(remove);
        bodies.clear();
        for (Message job : browseJobs(session, management, replies, replyConsumer)) {
            bodies.add(((TextMessage) job).getText());
        }
        java.util.Collections.sort(bodies);
        Check.equal(List.of("job-a", "job-c"), bodies, "jobs after REMOVE of job-b");

        MessageConsumer consumer = session.createConsumer(queue);
        List<String> delivered = new ArrayList<>();
        delivered.add(Ctx.expect(consumer, TextMessage.class, "first job left").getText());
        delivered.add(Ctx.expect(consumer, TextMessage.class, "second job left").getText());
        java.util.Collections.sort(delivered);
        Check.equal(List.of("job-a", "job-c"), delivered, "delivered jobs");
        Ctx.expectNone(consumer, "the removed job");

        TextMessage later = session.createTextMessage("job-d");
        later.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY, 2000);
        producer.send(later);
        Message removeAll = session.createMessage();
        removeAll.setStringProperty(ScheduledMessage.AMQ_SCHEDULER_ACTION,
                ScheduledMessage.AMQ_SCHEDULER_ACTION_REMOVEALL);
        management.send(removeAll);
        Check.equal(0, browseJobs(session, management, replies, replyConsumer).size(), "jobs after REMOVEALL");
        Check.isTrue(consumer.receive(3000) == null, "a job removed by REMOVEALL was delivered");
    }

    /**
     * prioritizedMessages="true": ten messages sent with priorities 0..9 while nobody consumes come out 9 first,
     * highest to lowest; on a queue without it (same broker) they come out in send order. The client's own
     * priority ordering of its prefetch buffer is switched off (jms.messagePrioritySupported=false) and prefetch is
     * 1, so the order seen is the broker's.
     */
    static void priority(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.prefetchPolicy.all=1", "jms.messagePrioritySupported=false");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (String suffix : new String[] {"prio", "fifo"}) {
            Queue queue = session.createQueue(ctx.name(suffix));
            MessageProducer producer = session.createProducer(queue);
            for (int p = 0; p <= 9; p++) {
                producer.send(session.createTextMessage("p" + p), DeliveryMode.PERSISTENT, p, 0);
            }
            MessageConsumer consumer = session.createConsumer(queue);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                order.add(Ctx.expect(consumer, "message " + (i + 1) + " of 10 on " + suffix).getJMSPriority());
            }
            consumer.close();
            List<Integer> expected = suffix.equals("prio") ? List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
                    : List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            Check.equal(expected, order, "priorities in the order " + suffix + " delivered them");
        }
    }

    /** Rolls back a transacted consumer until the client's redelivery policy gives up (a POISON ack). */
    private static void poison(ActiveMQConnection connection, Queue queue, int deliveries) throws Exception {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(queue);
        for (int delivery = 1; delivery <= deliveries; delivery++) {
            Ctx.expect(consumer, "delivery " + delivery + " of " + deliveries);
            session.rollback();
        }
        Ctx.expectNone(consumer, "the message after the redelivery policy gave up");
        session.close();
    }

    /** individualDeadLetterStrategy queuePrefix="DLQ.": the poison message goes to DLQ.<queue>. */
    static void individualDlq(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.redeliveryPolicy.maximumRedeliveries=1",
                "jms.redeliveryPolicy.initialRedeliveryDelay=0");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        TextMessage sent = session.createTextMessage("poison");
        session.createProducer(queue).send(sent);
        poison(connection, queue, 2);
        MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ." + queue.getQueueName()));
        TextMessage dead = Ctx.expect(dlq, TextMessage.class, "the message in DLQ." + queue.getQueueName());
        Check.equal("poison", dead.getText(), "DLQ body");
        Check.equal(sent.getJMSMessageID(), dead.getJMSMessageID(), "DLQ copy keeps the message id");
        Check.equal(queue, ((ActiveMQMessage) dead).getOriginalDestination(), "originalDestination");
        Check.isTrue(dead.getStringProperty("dlqDeliveryFailureCause").contains("exceeds redelivery policy limit"),
                "dlqDeliveryFailureCause: " + dead.getStringProperty("dlqDeliveryFailureCause"));
        MessageConsumer shared = session.createConsumer(session.createQueue("ActiveMQ.DLQ"),
                "JMSMessageID = '" + sent.getJMSMessageID() + "'");
        Ctx.expectNone(shared, "the message in the shared ActiveMQ.DLQ");
    }

    /**
     * processExpired / processNonPersistent: on "custom" (processExpired=false, processNonPersistent=true) an
     * expired message is dropped and a non-persistent poison message is dead-lettered; on "plain" (the defaults)
     * the opposite. Expired messages are found by the policy's 500 ms expiry sweep.
     */
    static void dlqFlags(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.redeliveryPolicy.maximumRedeliveries=0",
                "jms.redeliveryPolicy.initialRedeliveryDelay=0");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (String suffix : new String[] {"custom", "plain"}) {
            boolean custom = suffix.equals("custom");
            Queue queue = session.createQueue(ctx.name(suffix));
            MessageProducer producer = session.createProducer(queue);
            TextMessage expiring = session.createTextMessage("expiring");
            producer.send(expiring, DeliveryMode.PERSISTENT, 4, 200);
            TextMessage nonPersistent = session.createTextMessage("non-persistent poison");
            producer.send(nonPersistent, DeliveryMode.NON_PERSISTENT, 4, 0);
            Thread.sleep(400);
            poison(connection, queue, 1);
            MessageConsumer dlq = session.createConsumer(session.createQueue("DLQ." + queue.getQueueName()));
            List<String> dead = new ArrayList<>();
            for (Message m = dlq.receive(2500); m != null; m = dlq.receive(Ctx.QUIET_MS)) {
                dead.add(((TextMessage) m).getText());
                if (m.getJMSMessageID().equals(nonPersistent.getJMSMessageID())) {
                    Check.equal(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode(), "DLQ copy is persistent");
                    Check.equal("NON_PERSISTENT", m.getStringProperty("originalDeliveryMode"), "originalDeliveryMode");
                }
            }
            Check.equal(custom ? List.of("non-persistent poison") : List.of("expiring"), dead,
                    "DLQ." + suffix + " contents");
        }
    }

    /**
     * redeliveryPlugin (maximumRedeliveries 2, delays 1000 ms, the least ActiveMQ accepts) with a client that gives up at once
     * (jms.redeliveryPolicy.maximumRedeliveries=0): each POISON ack makes the broker send the message again after
     * the delay, flagged redelivered, with its redeliveryDelay property and a growing JMSXDeliveryCount; the
     * client accepts those copies (it exempts messages carrying redeliveryDelay from its own limit). After the
     * broker's 2 redeliveries the next POISON ack dead-letters it.
     */
    static void redeliveryPlugin(Ctx ctx) throws Exception {
        ActiveMQConnection connection = ctx.connect("jms.redeliveryPolicy.maximumRedeliveries=0");
        Session producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = producerSession.createQueue(ctx.name("q"));
        TextMessage sent = producerSession.createTextMessage("retry me");
        producerSession.createProducer(queue).send(sent);
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(queue);
        List<String> seen = new ArrayList<>();
        for (int delivery = 1; delivery <= 3; delivery++) {
            Message m = Ctx.expect(consumer, "broker delivery " + delivery + " of 3");
            seen.add("redelivered=" + m.getJMSRedelivered() + ",count=" + m.getIntProperty("JMSXDeliveryCount")
                    + ",delay=" + m.getObjectProperty("redeliveryDelay"));
            session.rollback();
        }
        Ctx.expectNone(consumer, "a fourth delivery");
        Check.equal(List.of("redelivered=false,count=1,delay=null", "redelivered=true,count=2,delay=1000",
                "redelivered=true,count=3,delay=1000"), seen, "deliveries");
        MessageConsumer dlq = producerSession.createConsumer(producerSession.createQueue("ActiveMQ.DLQ"),
                "JMSMessageID = '" + sent.getJMSMessageID() + "'");
        TextMessage dead = Ctx.expect(dlq, TextMessage.class, "the message in ActiveMQ.DLQ");
        Check.equal("retry me", dead.getText(), "DLQ body");
        ctx.note("DLQ cause: " + dead.getStringProperty("dlqDeliveryFailureCause"));
    }

    /**
     * memoryLimit 100 kb with sendFailIfNoSpace="true" (and a vmQueueCursor, so ActiveMQ keeps every message in
     * memory): once the queue is full a synchronous send fails with ResourceAllocationException and ActiveMQ's
     * text; after a consumer drains it, sends succeed again.
     */
    static void sendFailIfNoSpace(Ctx ctx) throws Exception {
        Session session = ctx.connect("jms.alwaysSyncSend=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageProducer producer = session.createProducer(queue);
        String body = "x".repeat(10_000);
        int sent = 0;
        ResourceAllocationException refused = null;
        while (sent < 200) {
            try {
                producer.send(session.createTextMessage(body));
                sent++;
            } catch (ResourceAllocationException e) {
                refused = e;
                break;
            }
        }
        Check.notNull(refused, "no ResourceAllocationException after " + sent + " sends of 10 kB to a 100 kB queue");
        Check.equal("Usage Manager Memory Limit reached on queue://" + queue.getQueueName()
                + ". See http://activemq.apache.org/producer-flow-control.html for more info", refused.getMessage(),
                "exception text");
        Check.isTrue(sent >= 5, "only " + sent + " messages fitted in 100 kB");
        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 0; i < sent; i++) {
            Ctx.expect(consumer, "message " + (i + 1) + " of " + sent);
        }
        // The consumer's acknowledgements free the memory asynchronously: retry until the broker has them.
        long deadline = System.currentTimeMillis() + Ctx.RECEIVE_MS;
        while (true) {
            try {
                producer.send(session.createTextMessage("after drain"));
                break;
            } catch (ResourceAllocationException e) {
                if (System.currentTimeMillis() > deadline) throw e;
                Thread.sleep(50);
            }
        }
        Check.equal("after drain", Ctx.expect(consumer, TextMessage.class, "send after drain").getText(), "body");
        ctx.note(sent + " sends fitted");
    }

    private static List<String> retroactive(Ctx ctx, int published) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.name("t"));
        MessageProducer producer = session.createProducer(topic);
        for (int i = 1; i <= published; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        MessageConsumer plain = session.createConsumer(topic);
        MessageConsumer retro = session.createConsumer(session.createTopic(topic.getTopicName() + "?consumer.retroactive=true"));
        List<String> got = new ArrayList<>();
        for (Message m = retro.receive(2000); m != null; m = retro.receive(Ctx.QUIET_MS)) {
            got.add(((TextMessage) m).getText());
        }
        Ctx.expectNone(plain, "a non-retroactive subscriber");
        producer.send(session.createTextMessage("live"));
        Check.equal("live", Ctx.expect(retro, TextMessage.class, "live message, retroactive").getText(), "live");
        Check.equal("live", Ctx.expect(plain, TextMessage.class, "live message, plain").getText(), "live");
        return got;
    }

    /** lastImageSubscriptionRecoveryPolicy: a retroactive consumer gets the last message published. */
    static void lastImage(Ctx ctx) throws Exception {
        Check.equal(List.of("m5"), retroactive(ctx, 5), "recovered by a retroactive consumer");
    }

    /** fixedCountSubscriptionRecoveryPolicy maximumSize="3": the last three. */
    static void fixedCount(Ctx ctx) throws Exception {
        Check.equal(List.of("m3", "m4", "m5"), retroactive(ctx, 5), "recovered by a retroactive consumer");
    }

    /**
     * compositeQueue interop.cfg-composite.in forwards to a queue, a topic and (filteredDestination with
     * selector color = 'red') another queue; forwardOnly (the default) keeps nothing in the composite itself.
     */
    static void compositeQueue(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer topic = session.createConsumer(session.createTopic("interop.cfg-composite.out.topic"));
        MessageProducer producer = session.createProducer(session.createQueue("interop.cfg-composite.in"));
        for (String color : new String[] {"red", "blue"}) {
            TextMessage m = session.createTextMessage(color);
            m.setStringProperty("color", color);
            producer.send(m);
        }
        MessageConsumer all = session.createConsumer(session.createQueue("interop.cfg-composite.out.all"));
        MessageConsumer red = session.createConsumer(session.createQueue("interop.cfg-composite.out.red"));
        MessageConsumer in = session.createConsumer(session.createQueue("interop.cfg-composite.in"));
        for (MessageConsumer c : new MessageConsumer[] {all, topic}) {
            TextMessage first = Ctx.expect(c, TextMessage.class, "red");
            Check.equal("red", first.getText(), "first forwarded");
            Check.equal("queue://interop.cfg-composite.in",
                    String.valueOf(((ActiveMQMessage) first).getOriginalDestination()), "originalDestination");
            Check.equal("blue", Ctx.expect(c, TextMessage.class, "blue").getText(), "second forwarded");
        }
        Check.equal("red", Ctx.expect(red, TextMessage.class, "filtered forward").getText(), "filtered body");
        Ctx.expectNone(red, "blue through the color = 'red' filter");
        Ctx.expectNone(in, "a message kept in the forward-only composite");
    }

    /**
     * virtualTopic interop.cfg-vt.> with selectorAware="true": a message is forwarded to a consumer queue only
     * when one of that queue's consumers has a selector it matches, so nothing piles up in a queue whose consumers
     * would never take it (and a queue without consumers gets nothing).
     */
    static void selectorAwareVirtualTopic(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        String topicName = ctx.name("t");
        Queue queueA = session.createQueue("Consumer.A." + topicName);
        Queue queueB = session.createQueue("Consumer.B." + topicName);
        MessageConsumer a = session.createConsumer(queueA, "color = 'red'");
        MessageConsumer b = session.createConsumer(queueB, "color = 'blue'");
        MessageProducer producer = session.createProducer(session.createTopic(topicName));
        for (String color : new String[] {"red", "blue", "green"}) {
            TextMessage m = session.createTextMessage(color);
            m.setStringProperty("color", color);
            producer.send(m);
        }
        Check.equal("red", Ctx.expect(a, TextMessage.class, "red on A").getText(), "A");
        Check.equal("blue", Ctx.expect(b, TextMessage.class, "blue on B").getText(), "B");
        Ctx.expectNone(a, "more on A");
        Ctx.expectNone(b, "more on B");
        a.close();
        b.close();
        for (Queue q : new Queue[] {queueA, queueB}) {
            QueueBrowser browser = session.createBrowser(q);
            java.util.Enumeration<?> e = browser.getEnumeration();
            List<String> left = new ArrayList<>();
            while (e.hasMoreElements()) {
                left.add(((TextMessage) e.nextElement()).getText());
            }
            browser.close();
            Check.equal(List.of(), left, "left in " + q.getQueueName());
        }
        // Without consumers on the queues nothing is forwarded at all.
        TextMessage m = session.createTextMessage("red");
        m.setStringProperty("color", "red");
        producer.send(m);
        Ctx.expectNone(session.createConsumer(queueA), "a message forwarded while the queue had no consumer");
    }

    /**
     * ActiveMQ.Advisory.Expired.Queue.<name>: the advisory's dataStructure is a copy of the expired message
     * (same id and destination, body cleared since includeBodyForAdvisory is off), with orignalMessageId set.
     */
    static void expiredAdvisory(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer advisories = session.createConsumer(session.createTopic("ActiveMQ.Advisory.Expired.Queue."
                + queue.getQueueName()));
        TextMessage sent = session.createTextMessage("short-lived");
        sent.setStringProperty("tag", "t1");
        session.createProducer(queue).send(sent, DeliveryMode.PERSISTENT, 4, 200);
        Thread.sleep(400);
        MessageConsumer consumer = session.createConsumer(queue);
        Ctx.expectNone(consumer, "the expired message");
        ActiveMQMessage advisory = Ctx.expect(advisories, ActiveMQMessage.class, "expired advisory");
        Check.equal("Advisory", advisory.getJMSType(), "advisory JMSType");
        Check.equal(sent.getJMSMessageID(), advisory.getStringProperty("orignalMessageId"), "orignalMessageId");
        ActiveMQTextMessage payload = Check.instanceOf(ActiveMQTextMessage.class, advisory.getDataStructure(),
                "advisory dataStructure");
        Check.equal(sent.getJMSMessageID(), payload.getJMSMessageID(), "payload message id");
        Check.equal(queue, payload.getDestination(), "payload destination");
        Check.equal("t1", payload.getStringProperty("tag"), "payload property");
        Check.equal(null, payload.getText(), "payload body (cleared: includeBodyForAdvisory is off)");
    }

    /**
     * sendAdvisoryIfNoConsumers on topics interop.cfg-no-consumer.>: in 5.17 the "advisory" is the message
     * itself, readdressed to ActiveMQ.Advisory.NoConsumer.Topic.<name> (no dataStructure), and only for
     * NON_PERSISTENT messages (BaseDestination.onMessageWithNoConsumers).
     */
    static void noConsumerAdvisory(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.name("t"));
        MessageConsumer advisories = session.createConsumer(session.createTopic("ActiveMQ.Advisory.NoConsumer.Topic."
                + topic.getTopicName()));
        MessageProducer producer = session.createProducer(topic);
        TextMessage persistent = session.createTextMessage("persistent");
        producer.send(persistent, DeliveryMode.PERSISTENT, 4, 0);
        TextMessage lost = session.createTextMessage("nobody listens");
        lost.setStringProperty("tag", "t2");
        producer.send(lost, DeliveryMode.NON_PERSISTENT, 4, 0);
        TextMessage advisory = Ctx.expect(advisories, TextMessage.class, "no-consumer advisory");
        Check.equal("nobody listens", advisory.getText(), "advisory body: the message itself");
        Check.equal(lost.getJMSMessageID(), advisory.getJMSMessageID(), "advisory message id");
        Check.equal("t2", advisory.getStringProperty("tag"), "advisory property");
        Destination d = advisory.getJMSDestination();
        Check.equal("topic://ActiveMQ.Advisory.NoConsumer.Topic." + topic.getTopicName(), String.valueOf(d),
                "advisory destination");
        Ctx.expectNone(advisories, "an advisory for the persistent message");
    }

    /** The message a MessageDelivered / MessageConsumed advisory carries, with the two properties ActiveMQ sets. */
    private static void checkMessageAdvisory(ActiveMQMessage advisory, TextMessage sent, Queue queue, String what)
            throws Exception {
        Check.equal("Advisory", advisory.getJMSType(), what + " JMSType");
        Check.equal(sent.getJMSMessageID(), advisory.getStringProperty("orignalMessageId"), what + " orignalMessageId");
        Check.equal("queue://" + queue.getQueueName(), advisory.getStringProperty("orignalDestination"),
                what + " orignalDestination");
        ActiveMQTextMessage payload = Check.instanceOf(ActiveMQTextMessage.class, advisory.getDataStructure(),
                what + " dataStructure");
        Check.equal(sent.getJMSMessageID(), payload.getJMSMessageID(), what + " payload message id");
        Check.equal(queue, payload.getDestination(), what + " payload destination");
        Check.equal("t3", payload.getStringProperty("tag"), what + " payload property");
        Check.equal(null, payload.getText(), what + " payload body (cleared: includeBodyForAdvisory is off)");
    }

    /**
     * advisoryForDelivery + advisoryForConsumed on queues interop.cfg-msg-advisories.>: MessageDelivered when the
     * message reaches the queue, MessageConsumed when it is acknowledged (not when it is dispatched).
     */
    static void deliveredAndConsumedAdvisories(Ctx ctx) throws Exception {
        Session session = ctx.connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer delivered = session.createConsumer(session.createTopic("ActiveMQ.Advisory.MessageDelivered.Queue."
                + queue.getQueueName()));
        MessageConsumer consumedAdvisories = session.createConsumer(
                session.createTopic("ActiveMQ.Advisory.MessageConsumed.Queue." + queue.getQueueName()));
        TextMessage sent = session.createTextMessage("watched");
        sent.setStringProperty("tag", "t3");
        session.createProducer(queue).send(sent);
        checkMessageAdvisory(Ctx.expect(delivered, ActiveMQMessage.class, "delivered advisory"), sent, queue,
                "delivered");
        Ctx.expectNone(consumedAdvisories, "a consumed advisory before anyone consumed");
        MessageConsumer consumer = session.createConsumer(queue);
        Message got = Ctx.expect(consumer, "the message");
        Ctx.expectNone(consumedAdvisories, "a consumed advisory before the acknowledgement");
        got.acknowledge();
        checkMessageAdvisory(Ctx.expect(consumedAdvisories, ActiveMQMessage.class, "consumed advisory"), sent, queue,
                "consumed");
        Ctx.expectNone(delivered, "a second delivered advisory");
    }

    /**
     * advisoryForSlowConsumers on topics interop.cfg-slow-consumer.>: a subscriber with prefetch 10 that never
     * acknowledges becomes slow when a message arrives while more than 10 already wait besides its full prefetch
     * window (TopicSubscription.add), i.e. on the 22nd message; one advisory per slow episode, carrying its
     * ConsumerInfo.
     */
    static void slowConsumerAdvisory(Ctx ctx) throws Exception {
        Session session = ctx.connect("jms.alwaysSyncSend=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.name("t"));
        MessageConsumer advisories = session.createConsumer(session.createTopic("ActiveMQ.Advisory.SlowConsumer.Topic."
                + topic.getTopicName()));
        Session slowSession = ctx.connect("jms.prefetchPolicy.topicPrefetch=10")
                .createSession(false, Session.AUTO_ACKNOWLEDGE);
        ActiveMQMessageConsumer slow = (ActiveMQMessageConsumer) slowSession.createConsumer(topic);
        MessageProducer producer = session.createProducer(topic);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        for (int i = 0; i < 21; i++) producer.send(session.createTextMessage("m" + i));
        Ctx.expectNone(advisories, "a slow-consumer advisory with 11 messages waiting");
        producer.send(session.createTextMessage("m21"));
        ActiveMQMessage advisory = Ctx.expect(advisories, ActiveMQMessage.class, "slow-consumer advisory");
        Check.equal("Advisory", advisory.getJMSType(), "advisory JMSType");
        Check.equal(slow.getConsumerId().toString(), advisory.getStringProperty("consumerId"), "consumerId property");
        ConsumerInfo info = Check.instanceOf(ConsumerInfo.class, advisory.getDataStructure(), "advisory dataStructure");
        Check.equal(slow.getConsumerId(), info.getConsumerId(), "ConsumerInfo consumerId");
        Check.equal(topic, info.getDestination(), "ConsumerInfo destination");
        Check.equal(10, info.getPrefetchSize(), "ConsumerInfo prefetchSize");
        for (int i = 22; i < 32; i++) producer.send(session.createTextMessage("m" + i));
        Ctx.expectNone(advisories, "a second advisory in the same slow episode");
    }

    /**
     * advisoryForFastProducers on queues interop.cfg-fast-producer.> (memoryLimit 100 kb, systemUsage
     * sendFailIfNoSpace): Queue.send calls fastProducer for a send that finds the queue full, before it refuses
     * the send; the advisory carries the producer's ProducerInfo.
     */
    static void fastProducerAdvisory(Ctx ctx) throws Exception {
        Session session = ctx.connect("jms.alwaysSyncSend=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(ctx.name("q"));
        MessageConsumer advisories = session.createConsumer(session.createTopic("ActiveMQ.Advisory.FastProducer.Queue."
                + queue.getQueueName()));
        MessageProducer producer = session.createProducer(queue);
        String body = "x".repeat(10_000);
        TextMessage first = session.createTextMessage(body);
        producer.send(first);
        String producerId = ((ActiveMQMessage) first).getMessageId().getProducerId().toString();
        Ctx.expectNone(advisories, "a fast-producer advisory while the queue has room");
        int sent = 1;
        boolean refused = false;
        while (sent < 200 && !refused) {
            try {
                producer.send(session.createTextMessage(body));
                sent++;
            } catch (ResourceAllocationException e) {
                refused = true;
            }
        }
        Check.isTrue(refused, "no ResourceAllocationException after " + sent + " sends of 10 kB to a 100 kB queue");
        ActiveMQMessage advisory = Ctx.expect(advisories, ActiveMQMessage.class, "fast-producer advisory");
        Check.equal("Advisory", advisory.getJMSType(), "advisory JMSType");
        Check.equal(producerId, advisory.getStringProperty("producerId"), "producerId property");
        ProducerInfo info = Check.instanceOf(ProducerInfo.class, advisory.getDataStructure(), "advisory dataStructure");
        Check.equal(producerId, info.getProducerId().toString(), "ProducerInfo producerId");
        Check.equal(queue, info.getDestination(), "ProducerInfo destination");
        Ctx.expectNone(advisories, "a second advisory: only the refused send found the queue full");
        ctx.note(sent + " sends fitted");
    }

    /**
     * abortSlowConsumerStrategy abortConnection="true" checkPeriod="500" maxSlowDuration="1000" on topics
     * interop.cfg-abort-slow.>: a subscriber that stays slow for two checks loses its connection (ActiveMQ fails
     * it with an InactivityIOException, so the client only sees the transport go away); other connections stay.
     */
    static void abortSlowConsumer(Ctx ctx) throws Exception {
        Session session = ctx.connect("jms.alwaysSyncSend=true").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(ctx.name("t"));
        ActiveMQConnection slowConnection = ctx.connect("jms.prefetchPolicy.topicPrefetch=10");
        java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
        slowConnection.setExceptionListener(e -> failed.countDown());
        Session slowSession = slowConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        slowSession.createConsumer(topic);
        MessageProducer producer = session.createProducer(topic);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        for (int i = 0; i < 30; i++) producer.send(session.createTextMessage("m" + i));
        Check.isTrue(failed.await(Ctx.RECEIVE_MS, java.util.concurrent.TimeUnit.MILLISECONDS),
                "the slow consumer's connection was not aborted");
        // ActiveMQConnection.onException tells the ExceptionListener before it marks the transport failed.
        long deadline = System.currentTimeMillis() + Ctx.RECEIVE_MS;
        while (!slowConnection.isTransportFailed() && !slowConnection.isClosed()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Check.isTrue(slowConnection.isTransportFailed() || slowConnection.isClosed(),
                "the aborted connection's transport has failed");
        MessageConsumer healthy = session.createConsumer(topic);
        producer.send(session.createTextMessage("after abort"));
        Check.equal("after abort", Ctx.expect(healthy, TextMessage.class, "a message on the healthy connection")
                .getText(), "body");
    }
}
