package dev.switchboard.bench;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.CallOutcome;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.OnFailure;
import dev.switchboard.runtime.state.StateSettings;
import dev.switchboard.runtime.state.StateStore;
import dev.switchboard.runtime.state.UsageLog;
import dev.switchboard.runtime.state.UsageQuery;
import dev.switchboard.state.embedded.EmbeddedStateBackend;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Bytes allocated and CPU time spent per call on the embedded state store's writer thread, the one that writes each
 * call's {@code usage_log} row and the usage totals to SQLite: the store is opened in a temporary data dir as the
 * gateway opens it ({@code switchboard.state.backend = embedded}), and typical answered calls are recorded into it as
 * the ledger records them (one provider, model, route and key, tokens, a cost, one try, outcome ok, a request id of
 * its own). Calls are recorded in rounds of {@value #ROUND} and each round is waited for (as a reader of the log
 * waits), so every round is one transaction of that many rows, the size a busy gateway's 20 ms linger gathers, and
 * no row is dropped for a full queue. The bytes are exact (the JVM's per-thread counter) and do not depend on the
 * machine's load; the CPU time does a little. Run with the shaded jar on the class path:
 *
 * <pre>java -cp bench/target/switchboard-bench.jar dev.switchboard.bench.UsageLogAllocationPerCall</pre>
 */
public final class UsageLogAllocationPerCall {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 100_000;
    private static final int MEASURED = 200_000;
    private static final int ROUND = 256;
    /** The writer thread's name (SqliteJournal's). */
    private static final String WRITER = "switchboard-state-writer";

    private UsageLogAllocationPerCall() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("switchboard-usage-log-bench");
        try {
            StateSettings settings = new StateSettings("embedded", Optional.of(dir), Optional.empty(), "switchboard:",
                    OnFailure.ALLOW, Optional.empty(), Optional.empty(), Clock.systemUTC());
            try (StateStore store = new EmbeddedStateBackend().open(settings)) {
                UsageLog log = store.usageLog().orElseThrow();
                long writer = writerThreadId();
                Calls calls = new Calls();
                record(store, log, calls, WARM_UP);
                long bytesBefore = THREADS.getThreadAllocatedBytes(writer);
                long cpuBefore = THREADS.getThreadCpuTime(writer);
                record(store, log, calls, MEASURED);
                long bytes = THREADS.getThreadAllocatedBytes(writer) - bytesBefore;
                long cpu = THREADS.getThreadCpuTime(writer) - cpuBefore;
                System.out.printf("embedded store writer, per call (%,d calls after %,d to warm up, %d a transaction):"
                                + "%n  %,.1f bytes allocated%n  %,.2f us CPU%n  %,d log rows dropped%n", MEASURED,
                        WARM_UP, ROUND, (double) bytes / MEASURED, cpu / 1000.0 / MEASURED, log.dropped());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Records {@code n} calls in rounds of {@link #ROUND}, each round written before the next starts. */
    private static void record(StateStore store, UsageLog log, Calls calls, int n) {
        // Nothing ends before the epoch: the query finds no row and only waits for what was queued before it.
        UsageQuery waitForWrites = new UsageQuery(Optional.empty(), Optional.of(Instant.EPOCH), List.of(),
                Optional.empty());
        for (int done = 0; done < n; done += ROUND) {
            for (int i = 0; i < ROUND; i++) {
                store.recordUsage(calls.next());
            }
            log.query(waitForWrites);
        }
    }

    /** Typical answered calls: the names are the configuration's strings, the rest is each call's own. */
    private static final class Calls {
        private final String provider = "openai";
        private final String model = "gpt-4o-mini";
        private final String route = "chat";
        private final String key = "team-a";
        private final List<String> attempts = List.of(provider);
        private long count;

        UsageRecord next() {
            count++;
            long input = 200 + count % 300;
            long output = 100 + count % 500;
            // gpt-4o-mini's prices ($0.15 and $0.60 per million tokens), as the metering prices a call: exact picos
            long picos = input * 150_000 + output * 600_000;
            Cost cost = Cost.usd(BigDecimal.valueOf(picos, 12));
            return new UsageRecord(Instant.now(), provider, model, route, key, Usage.of(input, output), cost, false,
                    "req-" + Long.toHexString(0x5a5a_0000_0000L + count), Duration.ofNanos(800_000 + count % 900_000),
                    CallOutcome.OK, attempts);
        }
    }

    private static long writerThreadId() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(WRITER)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no thread named " + WRITER)).getId();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
