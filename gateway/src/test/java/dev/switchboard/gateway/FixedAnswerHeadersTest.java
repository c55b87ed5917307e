package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.HttpProcessors;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.ResponseServer;
import org.apache.hc.core5.util.VersionInfo;
import org.junit.jupiter.api.Test;

class FixedAnswerHeadersTest {

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-07T05:04:09.250Z").toEpochMilli());
    private final FixedAnswerHeaders.DateHeader date = new FixedAnswerHeaders.DateHeader(now::get);

    @Test
    void theDateIsAnImfFixdateInGmtWithATwoDigitDay() {
        assertThat(date.current().getValue()).isEqualTo("Mon, 07 Dec 2026 05:04:09 GMT");
        now.set(Instant.parse("1999-01-02T23:59:59.999Z").toEpochMilli());
        assertThat(date.current().getValue()).isEqualTo("Sat, 02 Jan 1999 23:59:59 GMT");
    }

    @Test
    void bothHeadersAreFormattedOnceAsHttpCoreFormatsThem() {
        for (Header h : java.util.List.of(date.current(), FixedAnswerHeaders.SERVER)) {
            assertThat(h).isInstanceOf(org.apache.hc.core5.http.FormattedHeader.class);
            org.apache.hc.core5.util.CharArrayBuffer expected = new org.apache.hc.core5.util.CharArrayBuffer(64);
            org.apache.hc.core5.http.message.BasicLineFormatter.INSTANCE.formatHeader(expected,
                    new org.apache.hc.core5.http.message.BasicHeader(h.getName(), h.getValue()));
            assertThat(((org.apache.hc.core5.http.FormattedHeader) h).getBuffer().toString())
                    .isEqualTo(expected.toString()).startsWith(h.getName() + ": ");
        }
    }

    @Test
    void oneHeaderServesTheWholeSecondAndTheNextSecondGetsItsOwn() {
        Header first = date.current();
        now.addAndGet(749); // 05:04:09.999
        assertThat(date.current()).isSameAs(first);
        now.addAndGet(1); // 05:04:10.000
        assertThat(date.current().getValue()).isEqualTo("Mon, 07 Dec 2026 05:04:10 GMT");
        now.addAndGet(-5_000); // the clock set back
        assertThat(date.current().getValue()).isEqualTo("Mon, 07 Dec 2026 05:04:05 GMT");
    }

    @Test
    void aFinalAnswerWithoutADateGetsOneAndOthersAreLeftAlone() throws Exception {
        HttpResponse ok = new BasicHttpResponse(200);
        date.process(ok, null, HttpCoreContext.create());
        assertThat(ok.getFirstHeader(HttpHeaders.DATE).getValue()).isEqualTo("Mon, 07 Dec 2026 05:04:09 GMT");

        HttpResponse informational = new BasicHttpResponse(100);
        date.process(informational, null, HttpCoreContext.create());
        assertThat(informational.containsHeader(HttpHeaders.DATE)).isFalse();

        HttpResponse dated = new BasicHttpResponse(502);
        dated.addHeader(HttpHeaders.DATE, "Sun, 06 Dec 2026 00:00:00 GMT");
        date.process(dated, null, HttpCoreContext.create());
        assertThat(dated.getHeaders(HttpHeaders.DATE)).extracting(Header::getValue)
                .containsExactly("Sun, 06 Dec 2026 00:00:00 GMT");
    }

    @Test
    void theServerHeaderSaysWhatHttpCoresDefaultProcessorSays() throws Exception {
        HttpResponse ours = new BasicHttpResponse(200);
        FixedAnswerHeaders.SERVER_HEADER.process(ours, null, HttpCoreContext.create());
        HttpResponse httpCores = new BasicHttpResponse(200);
        new ResponseServer(VersionInfo.getSoftwareInfo("Apache-HttpCore", "org.apache.hc.core5", HttpProcessors.class))
                .process(httpCores, null, HttpCoreContext.create());
        assertThat(ours.getFirstHeader(HttpHeaders.SERVER).getValue())
                .isEqualTo(httpCores.getFirstHeader(HttpHeaders.SERVER).getValue()).startsWith("Apache-HttpCore/");

        HttpResponse named = new BasicHttpResponse(200);
        named.addHeader(HttpHeaders.SERVER, "upstream/1.0");
        FixedAnswerHeaders.SERVER_HEADER.process(named, null, HttpCoreContext.create());
        assertThat(named.getHeaders(HttpHeaders.SERVER)).extracting(Header::getValue).containsExactly("upstream/1.0");
    }
}
