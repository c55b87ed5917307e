package dev.switchboard.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every wait and advances the clock by it instead of sleeping. Thread-safe. */
public final class RecordingSleeper implements Sleeper {

    private final ManualClock clock;
    private final List<Duration> waits = new ArrayList<>();

    public RecordingSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        clock.advance(duration);
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }
}
