package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.ManualClock;
import dev.switchboard.runtime.CircuitState;
import dev.switchboard.runtime.CooldownPolicy;
import dev.switchboard.runtime.TargetState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ErrorKind;
import dev.switchboard.runtime.routing.CircuitBreaker.Permit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = new CircuitBreaker("openai", new CooldownPolicy(2, Duration.ofSeconds(30)), clock);

    @Test
    void startsClosed() {
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.CALL);
        assertThat(breaker.state()).isEqualTo(new TargetState("openai", CircuitState.CLOSED, 0, null));
    }

    @Test
    void opensAtTheThresholdAndRejectsUntilTheCooldownEnds() {
        assertThat(breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER)).isFalse();
        assertThat(breaker.failed(breaker.tryAcquire(), ErrorKind.TIMEOUT)).isTrue();

        assertThat(breaker.state()).isEqualTo(new TargetState("openai", CircuitState.OPEN, 2,
                ManualClock.START.plusSeconds(30)));
        assertThat(breaker.lastFailure()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.REJECTED);
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.REJECTED);
    }

    @Test
    void aSuccessResetsTheCount() {
        breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER);
        breaker.succeeded(breaker.tryAcquire());
        breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER);

        assertThat(breaker.state().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(breaker.state().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void letsOneProbeThroughOnceTheCooldownIsOver() {
        open();
        clock.advance(Duration.ofSeconds(30));

        assertThat(breaker.state().state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.PROBE);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.REJECTED);
        assertThat(breaker.probeInFlight()).isTrue();
    }

    @Test
    void aSuccessfulProbeClosesIt() {
        open();
        clock.advance(Duration.ofSeconds(30));

        breaker.succeeded(breaker.tryAcquire());

        assertThat(breaker.state()).isEqualTo(new TargetState("openai", CircuitState.CLOSED, 0, null));
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.CALL);
    }

    @Test
    void aFailedProbeReopensItForAnotherCooldown() {
        open();
        clock.advance(Duration.ofSeconds(40));

        assertThat(breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER)).isTrue();

        assertThat(breaker.state()).isEqualTo(new TargetState("openai", CircuitState.OPEN, 3,
                ManualClock.START.plusSeconds(70)));
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.REJECTED);
    }

    @Test
    void aReleasedProbeLetsTheNextCallProbe() {
        open();
        clock.advance(Duration.ofSeconds(30));

        breaker.released(breaker.tryAcquire());

        assertThat(breaker.state().state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isEqualTo(Permit.PROBE);
    }

    @Test
    void aLateFailureOfACallAdmittedBeforeOpeningDoesNotExtendTheCooldown() {
        Permit late = breaker.tryAcquire();
        open();
        clock.advance(Duration.ofSeconds(10));

        assertThat(breaker.failed(late, ErrorKind.SERVER)).isFalse();

        assertThat(breaker.state().openUntil()).isEqualTo(ManualClock.START.plusSeconds(30));
    }

    @Test
    void theDisabledPolicyNeverOpens() {
        CircuitBreaker never = new CircuitBreaker("x", CooldownPolicy.disabled(), clock);
        for (int i = 0; i < 1_000; i++) {
            never.failed(never.tryAcquire(), ErrorKind.SERVER);
        }

        assertThat(never.tryAcquire()).isEqualTo(Permit.CALL);
    }

    private void open() {
        breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER);
        breaker.failed(breaker.tryAcquire(), ErrorKind.SERVER);
        assertThat(breaker.state().state()).isEqualTo(CircuitState.OPEN);
    }
}
