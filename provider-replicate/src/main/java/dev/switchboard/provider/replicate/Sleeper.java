package dev.switchboard.provider.replicate;

import java.time.Duration;

/** Waits between polls; tests give one that moves a fake clock instead of waiting. */
@FunctionalInterface
interface Sleeper {

    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));

    void sleep(Duration duration) throws InterruptedException;
}
