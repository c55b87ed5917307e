package dev.switchboard.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.state.StateStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process settling calls into the embedded store is killed with SIGKILL mid-traffic; the store reopened holds every
 * call whose settlement had returned, and at most the calls in flight at the kill more (each thread's one call whose
 * commit was written but whose return was not yet printed).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KilledProcessTest {

    @TempDir
    Path dir;

    @Test
    void sigkillLosesNoSettledCallAndCountsAtMostTheCallsInFlightMore() throws Exception {
        Process child = start();
        long printed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (printed < 500 && (line = out.readLine()) != null) { // counting every line read
                if (line.equals("settled")) {
                    printed++;
                }
            }
            // SIGKILL on POSIX systems; through the handle, since Process.destroyForcibly also closes our end of its output
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while ((line = out.readLine()) != null) { // what it printed before dying, still in the pipe
                if (line.equals("settled")) {
                    printed++;
                }
            }
        }
        assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
        assertThat(printed).isGreaterThanOrEqualTo(500);

        try (StateStore store = EmbeddedStateBackend.open(dir)) {
            long recorded = store.usage().total().requests();
            assertThat(recorded).isBetween(printed, printed + SettlingProcess.THREADS);
            BigDecimal spent = store.budget("route:default", SettlingProcess.WINDOW).spent();
            long spentCalls = spent.divide(SettlingProcess.PER_CALL).longValueExact();
            assertThat(spentCalls).isBetween(printed, printed + SettlingProcess.THREADS);
            assertThat(store.usage().total().costUsd()).isEqualByComparingTo(
                    SettlingProcess.PER_CALL.multiply(BigDecimal.valueOf(recorded)));
        }
    }

    private Process start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> path = new ArrayList<>();
        for (String p : List.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))) {
            if (!p.isEmpty()) {
                path.add(p);
            }
        }
        List<String> command = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, path),
                SettlingProcess.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
