package dev.switchboard.state.redis;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code switchboard.state.redis.uri} into Lettuce's {@link RedisURI}, adding what Lettuce's own reader ignores:
 * the password (and user name) given as query parameters, {@code redis://host:port?password=...&username=...}, the
 * form that keeps a password out of the authority. {@code redis://[user:]password@host} works as Lettuce reads it.
 */
final class RedisUris {

    private RedisUris() {}

    /** @throws IllegalArgumentException naming the key, never the URI (it may hold a password) */
    static RedisURI parse(String uri) {
        String password = null;
        String username = null;
        String rest = uri;
        int q = uri.indexOf('?');
        if (q >= 0) {
            List<String> kept = new ArrayList<>();
            for (String p : uri.substring(q + 1).split("&")) {
                int eq = p.indexOf('=');
                String name = eq < 0 ? p : p.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equals("password")) {
                    password = value;
                } else if (name.equals("username") || name.equals("user")) {
                    username = value;
                } else if (!p.isEmpty()) {
                    kept.add(p);
                }
            }
            rest = uri.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        }
        RedisURI redisUri;
        try {
            redisUri = RedisURI.create(rest);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("switchboard.state.redis.uri is not a Redis URI (redis://host:port)");
        }
        if (password != null) {
            if (username != null) {
                redisUri.setAuthentication(username, password.toCharArray());
            } else {
                redisUri.setAuthentication(password.toCharArray());
            }
        }
        return redisUri;
    }
}
