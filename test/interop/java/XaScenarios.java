import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.jms.XAConnection;
import javax.jms.XASession;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.apache.activemq.ActiveMQXAConnectionFactory;

/** XA transactions as a transaction manager drives them: start/end, prepare, commit or rollback, recover. */
final class XaScenarios {
    private XaScenarios() {}

    static void register(Map<String, Scenario> registry) {
        registry.put("xa-two-phase", XaScenarios::twoPhase);
        registry.put("xa-one-phase-and-recover", XaScenarios::onePhaseAndRecover);
    }

    /** A plain Xid, as a transaction manager makes them. */
    static final class TestXid implements Xid {
        private final byte[] global;
        private final byte[] branch;

        TestXid(String global, String branch) {
            this.global = global.getBytes(StandardCharsets.US_ASCII);
            this.branch = branch.getBytes(StandardCharsets.US_ASCII);
        }

        @Override public int getFormatId() { return 4711; }
        @Override public byte[] getGlobalTransactionId() { return global.clone(); }
        @Override public byte[] getBranchQualifier() { return branch.clone(); }
    }

    private static XAConnection xaConnect(Ctx ctx) throws Exception {
        ActiveMQXAConnectionFactory factory = new ActiveMQXAConnectionFactory(ctx.url());
        return ctx.track(factory.createXAConnection(), true);
    }

    /** Two-phase: a prepared send is invisible, commit delivers it; a prepared send rolled back never appears. */
    static void twoPhase(Ctx ctx) throws Exception {
        XAConnection connection = xaConnect(ctx);
        XASession xa = connection.createXASession();
        XAResource resource = xa.getXAResource();
        Queue queue = xa.createQueue(ctx.name("q"));
        MessageProducer producer = xa.getSession().createProducer(queue);

        Session plain = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = plain.createConsumer(queue);

        Xid committed = new TestXid("g-commit-" + ctx.name("x"), "b1");
        resource.start(committed, XAResource.TMNOFLAGS);
        producer.send(xa.createTextMessage("committed"));
        resource.end(committed, XAResource.TMSUCCESS);
        Check.equal(XAResource.XA_OK, resource.prepare(committed), "prepare vote");
        Ctx.expectNone(consumer, "a prepared, uncommitted message");
        resource.commit(committed, false);
        TextMessage m = Ctx.expect(consumer, TextMessage.class, "the committed message");
        Check.equal("committed", m.getText(), "body");

        Xid rolledBack = new TestXid("g-rollback-" + ctx.name("x"), "b1");
        resource.start(rolledBack, XAResource.TMNOFLAGS);
        producer.send(xa.createTextMessage("rolled back"));
        resource.end(rolledBack, XAResource.TMSUCCESS);
        Check.equal(XAResource.XA_OK, resource.prepare(rolledBack), "prepare vote");
        resource.rollback(rolledBack);
        Ctx.expectNone(consumer, "a rolled-back message");
    }

    /** One-phase commit of a receive; recover() lists a prepared branch until it is finished. */
    static void onePhaseAndRecover(Ctx ctx) throws Exception {
        Session plain = ctx.connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = plain.createQueue(ctx.name("q"));
        plain.createProducer(queue).send(plain.createTextMessage("work"));

        XAConnection connection = xaConnect(ctx);
        XASession xa = connection.createXASession();
        XAResource resource = xa.getXAResource();
        MessageConsumer consumer = xa.getSession().createConsumer(queue);
        Xid receive = new TestXid("g-receive-" + ctx.name("x"), "b1");
        resource.start(receive, XAResource.TMNOFLAGS);
        TextMessage got = Ctx.expect(consumer, TextMessage.class, "the message, received in a transaction");
        Check.equal("work", got.getText(), "body");
        resource.end(receive, XAResource.TMSUCCESS);
        resource.commit(receive, true);
        consumer.close();
        MessageConsumer check = plain.createConsumer(queue);
        Ctx.expectNone(check, "the message consumed by the committed transaction");
        check.close();

        Xid pending = new TestXid("g-pending-" + ctx.name("x"), "b1");
        MessageProducer producer = xa.getSession().createProducer(queue);
        resource.start(pending, XAResource.TMNOFLAGS);
        producer.send(xa.createTextMessage("pending"));
        resource.end(pending, XAResource.TMSUCCESS);
        resource.prepare(pending);
        Xid[] recovered = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        boolean found = Arrays.stream(recovered).anyMatch(x -> x.getFormatId() == pending.getFormatId()
                && Arrays.equals(x.getGlobalTransactionId(), pending.getGlobalTransactionId())
                && Arrays.equals(x.getBranchQualifier(), pending.getBranchQualifier()));
        Check.isTrue(found, "recover() lists the prepared branch (got " + recovered.length + " xids)");
        resource.commit(pending, false);
        TextMessage last = Ctx.expect(plain.createConsumer(queue), TextMessage.class, "the recovered, committed message");
        Check.equal("pending", last.getText(), "body");
    }
}
