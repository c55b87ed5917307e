package dev.switchboard.state.embedded;

import dev.switchboard.api.Cost;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.UsageRecord;
import dev.switchboard.runtime.state.StateStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The process {@link KilledProcessTest} kills: {@code THREADS} threads settle calls into the embedded store in
 * {@code args[0]} for ever, each call being one usage record and $0.001 of budget spend, and print {@code settled}
 * once each call's settlement has returned (so it is on disk).
 */
public final class SettlingProcess {

    static final int THREADS = 4;
    static final BigDecimal PER_CALL = new BigDecimal("0.001");
    static final long WINDOW = 1;

    private SettlingProcess() {}

    public static void main(String[] args) throws Exception {
        StateStore store = EmbeddedStateBackend.open(Path.of(args[0]));
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                while (true) {
                    store.recordUsage(new UsageRecord(Instant.now(), "upstream", "m", "default", "k", Usage.of(10, 5),
                            Cost.usd(PER_CALL)));
                    store.addBudgetSpend("route:default", WINDOW, PER_CALL);
                    synchronized (System.out) {
                        System.out.println("settled");
                        System.out.flush();
                    }
                }
            });
            thread.start();
        }
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
