import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * {@code java ParentWatchdog <main class> [args...]}: runs the given main class and exits the JVM when stdin reaches
 * end of file. The test harness holds this JVM's stdin open, so the ActiveMQ broker it runs dies with the test
 * process even when that process is killed and never gets to stop it. System.exit runs the broker's shutdown hook.
 */
public final class ParentWatchdog {
    private ParentWatchdog() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            System.err.println("usage: ParentWatchdog <main class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent closes the pipe
                }
            } catch (java.io.IOException e) {
                // a broken pipe means the parent is gone as well
            }
            System.exit(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(argv[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(argv, 1, argv.length));
    }
}
