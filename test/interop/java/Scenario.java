/** One interop scenario: throws (usually {@link Check.CheckFailed}) when the broker misbehaves. */
@FunctionalInterface
interface Scenario {
    void run(Ctx ctx) throws Exception;
}
