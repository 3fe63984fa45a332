import java.util.Arrays;
import java.util.Objects;

/**
 * Assertions for the interop scenarios. A failed check throws {@link CheckFailed} whose message says what was
 * expected and what the broker gave, so the node:test report reads without the Java stack trace.
 */
final class Check {
    private Check() {}

    static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message);
        }
    }

    static CheckFailed fail(String message) {
        throw new CheckFailed(message);
    }

    static void isTrue(boolean condition, String what) {
        if (!condition) {
            fail(what);
        }
    }

    static void equal(Object expected, Object actual, String what) {
        if (!Objects.equals(expected, actual)) {
            fail(what + ": expected " + describe(expected) + " but got " + describe(actual));
        }
    }

    static void equalBytes(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            fail(what + ": expected " + describeBytes(expected) + " but got " + describeBytes(actual));
        }
    }

    static <T> T notNull(T value, String what) {
        if (value == null) {
            fail(what);
        }
        return value;
    }

    static <T> T instanceOf(Class<T> type, Object value, String what) {
        if (!type.isInstance(value)) {
            fail(what + ": expected a " + type.getSimpleName() + " but got " + describe(value));
        }
        return type.cast(value);
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[]) {
            return describeBytes((byte[]) value);
        }
        String text = String.valueOf(value);
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…(" + text.length() + " chars)";
        }
        return value.getClass().getSimpleName() + "(" + text + ")";
    }

    private static String describeBytes(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        if (bytes.length > 32) {
            return "byte[" + bytes.length + "]";
        }
        return "byte[" + bytes.length + "]" + Arrays.toString(bytes);
    }
}
