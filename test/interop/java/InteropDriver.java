import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the OpenWire interop scenarios with the real ActiveMQ JMS client.
 *
 * <p>One-shot: {@code java InteropDriver <scenario> <brokerUrl> [args...]} runs one scenario and exits 0 on pass,
 * 1 on failure (the reason on stderr), 2 on a usage error.
 *
 * <p>Driver: {@code java InteropDriver --serve} reads one command a line from stdin,
 * {@code <id> TAB <scenario> TAB <brokerUrl> [TAB arg...]}, runs it and prints
 * {@code @@RESULT TAB <id> TAB PASS|FAIL TAB <one-line text>} on stdout. One JVM runs the whole suite, which saves a
 * JVM start per scenario on a small machine. It exits when stdin closes, so it never outlives the test process.
 */
public final class InteropDriver {
    private static final Map<String, Scenario> SCENARIOS = new TreeMap<>();

    static {
        BasicScenarios.register(SCENARIOS);
        MessageScenarios.register(SCENARIOS);
        AckScenarios.register(SCENARIOS);
        FlowScenarios.register(SCENARIOS);
        BridgeScenarios.register(SCENARIOS);
        SecurityScenarios.register(SCENARIOS);
        SemanticsScenarios.register(SCENARIOS);
        XaScenarios.register(SCENARIOS);
        NodeClientScenarios.register(SCENARIOS);
        JdbcScenarios.register(SCENARIOS);
        AmqpScenarios.register(SCENARIOS);
        MqttScenarios.register(SCENARIOS);
        ClusterScenarios.register(SCENARIOS);
        ClusterUpdateScenarios.register(SCENARIOS);
    }

    private InteropDriver() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 1 && argv[0].equals("--serve")) {
            serve();
            return;
        }
        if (argv.length == 1 && argv[0].equals("--list")) {
            SCENARIOS.keySet().forEach(System.out::println);
            return;
        }
        if (argv.length < 2) {
            System.err.println("usage: InteropDriver <scenario> <brokerUrl> [args...] | --serve | --list");
            System.exit(2);
        }
        String outcome = run(argv[0], argv[1], Arrays.copyOfRange(argv, 2, argv.length));
        if (outcome.startsWith("PASS")) {
            System.out.println(outcome);
            System.exit(0);
        }
        System.err.println(outcome);
        System.exit(1);
    }

    private static void serve() throws Exception {
        // The result channel must not be mixed with anything a library prints, so stdout is reserved for it.
        PrintStream results = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        results.println("@@READY");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            String id = parts[0];
            String outcome;
            if (parts.length < 3) {
                outcome = "FAIL\tmalformed command line: " + line;
            } else {
                outcome = run(parts[1], parts[2], Arrays.copyOfRange(parts, 3, parts.length));
            }
            results.println("@@RESULT\t" + id + "\t" + outcome);
        }
        // stdin closed: the test process is done (or gone). Exit even if a client thread is still alive.
        System.exit(0);
    }

    /** Runs one scenario; returns "PASS\t<notes>" or "FAIL\t<reason>", each on one line. */
    static String run(String name, String brokerUrl, String[] args) {
        Scenario scenario = SCENARIOS.get(name);
        if (scenario == null) {
            return "FAIL\tunknown scenario '" + name + "' (known: " + String.join(", ", SCENARIOS.keySet()) + ")";
        }
        long started = System.nanoTime();
        try (Ctx ctx = new Ctx(name, brokerUrl, args)) {
            scenario.run(ctx);
            long ms = (System.nanoTime() - started) / 1_000_000;
            return "PASS\t" + oneLine(name + " passed in " + ms + " ms" + (ctx.notes().isEmpty() ? "" : ": " + ctx.notes()));
        } catch (Check.CheckFailed e) {
            System.err.println("[" + name + "] FAILED: " + e.getMessage());
            return "FAIL\t" + oneLine(e.getMessage());
        } catch (Throwable e) {
            System.err.println("[" + name + "] ERROR:");
            e.printStackTrace();
            return "FAIL\t" + oneLine(e.getClass().getName() + ": " + e.getMessage() + causes(e));
        }
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }
}
