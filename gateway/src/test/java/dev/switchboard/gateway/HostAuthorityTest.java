package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Objects;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.RequestValidateHost;
import org.junit.jupiter.api.Test;

/**
 * The Host step reads every request as HttpCore's RequestValidateHost does (the same authority, or the same
 * exception), also when the same value comes again and is answered from what was read before.
 */
class HostAuthorityTest {

    private static final String[] VALUES = {"127.0.0.1:8080", "localhost", "LocalHost:80", "example.com:443",
        "[::1]:8080", "[::1]", "user@host:1", "host:", "host:abc", "host:99999", "host:-1", "host:1:2", "", "  ",
        " host ", "ho st", "host/path", "host?x", "127.0.0.1:8080", "\u00e9t\u00e9.example", "host:0", "[::1"};

    @Test
    void readsEveryHostAsHttpCoreDoes() {
        int compared = 0;
        for (int round = 0; round < 2; round++) { // the second round meets each value again, just read or not
            for (ProtocolVersion version : new ProtocolVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0}) {
                for (String target : new String[] {"/v1/models", "http://given.example:81/v1/models"}) {
                    compare(version, target, new String[0]);
                    compare(version, target, new String[] {"a.example", "b.example"});
                    for (String value : VALUES) {
                        compare(version, target, new String[] {value});
                        compare(version, target, new String[] {value});
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(80);
    }

    @Test
    void theSameValueGivesTheSameAuthority() throws Exception {
        HttpRequest one = request(HttpVersion.HTTP_1_1, "/x", new String[] {"host.example:8080"});
        HttpRequest two = request(HttpVersion.HTTP_1_1, "/x", new String[] {"host.example:8080"});
        HostAuthority.INSTANCE.process(one, null, HttpCoreContext.create());
        HostAuthority.INSTANCE.process(two, null, HttpCoreContext.create());
        assertThat(two.getAuthority()).isSameAs(one.getAuthority());
        assertThat(two.getAuthority().getHostName()).isEqualTo("host.example");
        assertThat(two.getAuthority().getPort()).isEqualTo(8080);
    }

    private static void compare(ProtocolVersion version, String target, String[] hosts) {
        String what = version + " " + target + " " + String.join(" | ", hosts);
        assertThat(outcome(new HostAuthorityStep(), version, target, hosts)).as(what)
                .isEqualTo(outcome(new HttpCoreStep(), version, target, hosts));
    }

    private static String outcome(Step step, ProtocolVersion version, String target, String[] hosts) {
        HttpRequest request = request(version, target, hosts);
        try {
            step.process(request);
            return "authority " + Objects.toString(request.getAuthority()) + " uri " + request.getRequestUri();
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static HttpRequest request(ProtocolVersion version, String target, String[] hosts) {
        BasicHttpRequest request = new BasicHttpRequest("GET", target);
        request.setVersion(version);
        for (String host : hosts) {
            request.addHeader("Host", host);
        }
        return request;
    }

    private interface Step {
        void process(HttpRequest request) throws Exception;
    }

    private static final class HostAuthorityStep implements Step {
        @Override
        public void process(HttpRequest request) throws Exception {
            HostAuthority.INSTANCE.process(request, null, HttpCoreContext.create());
        }
    }

    private static final class HttpCoreStep implements Step {
        @Override
        public void process(HttpRequest request) throws Exception {
            RequestValidateHost.INSTANCE.process(request, null, HttpCoreContext.create());
        }
    }
}
