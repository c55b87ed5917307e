package dev.switchboard.runtime.state;

/**
 * A state backend other than {@code memory}, found with {@link java.util.ServiceLoader} (register it in
 * {@code META-INF/services/dev.switchboard.runtime.state.StateBackend} and {@code module-info.java}), chosen by
 * {@code switchboard.state.backend}. Switchboard ships {@code embedded} (module {@code switchboard-state-embedded})
 * and {@code redis} (module {@code switchboard-state-redis}).
 */
public interface StateBackend {

    /** The name {@code switchboard.state.backend} selects it by, e.g. {@code embedded}. */
    String name();

    /**
     * Opens the store.
     *
     * @throws IllegalArgumentException when the settings cannot work (e.g. no data dir), one line naming the key
     * @throws StateUnavailableException when the store cannot be opened now, one line naming where and why
     */
    StateStore open(StateSettings settings);

    /**
     * The store for a one-off command that runs beside an instance which may be using the same settings (the
     * {@code switchboard} CLI's {@code chat}, {@code routes}, {@code config check} beside a running gateway): what
     * the backend holds now, without taking anything a running instance holds. The default opens the store as
     * {@link #open} does, right for a backend that instances share (its changes count for all of them); a backend
     * one process owns at a time ({@code embedded}) returns a copy in memory instead, whose changes stay in the
     * calling process.
     *
     * @throws IllegalArgumentException when the settings cannot work, one line naming the key
     * @throws StateUnavailableException when the store cannot be read now, one line naming where and why
     */
    default StateStore openSnapshot(StateSettings settings) {
        return open(settings);
    }

    /**
     * A read-only view of the usage log this backend keeps with {@code settings}, usable while another process
     * writes it ({@code switchboard usage} beside a running gateway); empty when it keeps none.
     */
    default java.util.Optional<UsageLog> usageLog(StateSettings settings) {
        return java.util.Optional.empty();
    }
}
