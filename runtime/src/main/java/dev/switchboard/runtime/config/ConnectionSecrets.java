package dev.switchboard.runtime.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The passwords a connection URL carries: the {@code password} parameter of its query
 * ({@code jdbc:postgresql://db:5432/sb?user=sb&password=...}, also after {@code ;}) and the password of its user
 * information ({@code redis://user:pass@host}, {@code jdbc:postgresql://user:pass@db/sb}), each as written and
 * percent-decoded, so that both forms are known secrets.
 */
final class ConnectionSecrets {

    private ConnectionSecrets() {}

    static List<String> passwordsIn(String url) {
        List<String> found = new ArrayList<>(2);
        int query = url.indexOf('?');
        for (String part : (query < 0 ? "" : url.substring(query + 1)).split("[&;]")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equalsIgnoreCase("password")) {
                add(found, part.substring(eq + 1));
            }
        }
        int slashes = url.indexOf("//");
        if (slashes >= 0) {
            int authorityEnd = firstOf(url, slashes + 2, "/?#");
            int at = url.lastIndexOf('@', authorityEnd - 1);
            if (at > slashes) {
                String userInfo = url.substring(slashes + 2, at);
                int colon = userInfo.indexOf(':');
                if (colon >= 0) {
                    add(found, userInfo.substring(colon + 1));
                }
            }
        }
        return found;
    }

    private static int firstOf(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static void add(List<String> found, String written) {
        if (written.isEmpty()) {
            return;
        }
        found.add(written);
        try {
            String decoded = URLDecoder.decode(written.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!decoded.equals(written)) {
                found.add(decoded);
            }
        } catch (IllegalArgumentException e) {
            // not percent-encoded after all: the written form is the password
        }
    }
}
