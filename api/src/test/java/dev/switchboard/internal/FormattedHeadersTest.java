package dev.switchboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.junit.jupiter.api.Test;

class FormattedHeadersTest {

    @Test
    void theLineIsWhatHttpCoresFormatterWritesAndNameAndValueReadBack() {
        Header h = FormattedHeaders.of("Content-Type", "application/json");
        assertThat(h).isInstanceOf(FormattedHeader.class);
        assertThat(((FormattedHeader) h).getBuffer().toString()).isEqualTo("Content-Type: application/json");
        assertThat(h.getName()).isEqualTo("Content-Type");
        assertThat(h.getValue()).isEqualTo("application/json");
    }

    @Test
    void controlCharactersInTheValueAreReplacedAsHttpCoreReplacesThem() {
        String value = "a\r\nb\tc";
        CharArrayBuffer expected = new CharArrayBuffer(32);
        BasicLineFormatter.INSTANCE.formatHeader(expected, new BasicHeader("X-Odd", value));
        assertThat(((FormattedHeader) FormattedHeaders.of("X-Odd", value)).getBuffer().toString())
                .isEqualTo(expected.toString()).doesNotContain("\r", "\n");
    }
}
