package dev.switchboard.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpMessage;

/** A response's headers, looked up by case-insensitive name without copying them into a map. */
public final class ResponseHeaders {

    public static final ResponseHeaders NONE = new ResponseHeaders(new Header[0]);

    private final Header[] headers;

    private ResponseHeaders(Header[] headers) {
        this.headers = headers;
    }

    static ResponseHeaders of(HttpMessage message) {
        return new ResponseHeaders(message.getHeaders());
    }

    /** For tests and for providers that carry headers in another form. */
    public static ResponseHeaders of(Map<String, String> map) {
        Header[] hs = new Header[map.size()];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            hs[i++] = new org.apache.hc.core5.http.message.BasicHeader(e.getKey(), e.getValue());
        }
        return new ResponseHeaders(hs);
    }

    public Optional<String> get(String name) {
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name)) {
                return Optional.ofNullable(h.getValue());
            }
        }
        return Optional.empty();
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : headers) {
            m.putIfAbsent(h.getName().toLowerCase(java.util.Locale.ROOT), h.getValue());
        }
        return m;
    }
}
