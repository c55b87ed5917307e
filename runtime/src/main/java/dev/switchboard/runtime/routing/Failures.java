package dev.switchboard.runtime.routing;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.Redactor;
import java.lang.System.Logger.Level;

/** How a route turns whatever a provider threw into an {@link LlmException} and a one-line trail entry. */
public final class Failures {

    private static final System.Logger LOG = System.getLogger(Failures.class.getName());
    private static final int MAX_TEXT = 300;

    private Failures() {}

    /**
     * The failure as an {@link LlmException}: itself if it is one; otherwise (a provider bug, e.g. a
     * NullPointerException) a {@link ErrorKind#SERVER} failure of that provider, so the route can fall back and the
     * caller still learns what happened.
     */
    public static LlmException of(String provider, RuntimeException e) {
        if (e instanceof LlmException l) {
            return l;
        }
        String text = e.getMessage() == null ? "" : ": " + Redactor.patternsOnly().redact(e.getMessage());
        LlmException wrapped = LlmException.builder(ErrorKind.SERVER, provider)
                .message("unexpected " + e.getClass().getName() + text)
                .cause(e)
                .build();
        LOG.log(Level.WARNING, () -> "provider " + provider + " threw " + e.getClass().getName()
                + " instead of an LlmException; treating it as a server error: " + wrapped.getMessage());
        return wrapped;
    }

    /** The failure's message for an attempt: without the leading {@code provider: }, one line, redacted, bounded. */
    public static String describe(LlmException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        String prefix = e.provider() + ": ";
        if (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        m = Redactor.patternsOnly().redact(m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        return m.length() > MAX_TEXT ? m.substring(0, MAX_TEXT) + "..." : m;
    }

    /** Closes a stream the route gives up on; a failure to close must not hide the failure that made us give up. */
    public static void closeQuietly(AutoCloseable stream, String provider) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, () -> "closing a stream of " + provider + " failed: "
                    + Redactor.patternsOnly().redact(String.valueOf(e)));
        }
    }
}
