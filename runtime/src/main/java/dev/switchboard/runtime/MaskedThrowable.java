package dev.switchboard.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A copy of an exception for a log record, with its message and those of its causes and suppressed exceptions
 * masked: it prints as the original does ({@code class: message} and the same stack frames), so a log reader loses
 * nothing but the secret.
 */
final class MaskedThrowable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String original;

    private MaskedThrowable(String original, String message) {
        super(message);
        this.original = original;
    }

    /** The masked copy of {@code t} (and of its causes and suppressed exceptions). */
    static Throwable of(Throwable t, UnaryOperator<String> mask) {
        return copy(t, mask, new IdentityHashMap<>());
    }

    private static Throwable copy(Throwable t, UnaryOperator<String> mask, Map<Throwable, Throwable> done) {
        Throwable existing = done.get(t);
        if (existing != null) {
            return existing;
        }
        MaskedThrowable copy = new MaskedThrowable(t.getClass().getName(),
                t.getMessage() == null ? null : mask.apply(t.getMessage()));
        done.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        if (t.getCause() != null) {
            copy.initCause(copy(t.getCause(), mask, done));
        }
        for (Throwable s : t.getSuppressed()) {
            copy.addSuppressed(copy(s, mask, done));
        }
        return copy;
    }

    /** The original exception's class name. */
    String originalClassName() {
        return original;
    }

    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? original : original + ": " + message;
    }
}
