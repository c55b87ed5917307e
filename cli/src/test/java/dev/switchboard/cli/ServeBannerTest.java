package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code serve} banner names the servers state and the usage log live on, never a user or password. */
class ServeBannerTest {

    @Test
    void aServerIsNamedByHostPortAndPathWithoutItsLogin() {
        assertThat(ServeCommand.hostAndPort("redis://:Secret-not-real@127.0.0.1:16379/0?timeout=2s"))
                .isEqualTo("redis://127.0.0.1:16379/0");
        assertThat(ServeCommand.hostAndPort("postgresql://sb:Secret-not-real@db.internal:5432/switchboard"
                + "?password=Other-not-real")).isEqualTo("postgresql://db.internal:5432/switchboard");
        assertThat(ServeCommand.hostAndPort("redis://h st:Secret-not-real@x")).doesNotContain("Secret");
    }
}
