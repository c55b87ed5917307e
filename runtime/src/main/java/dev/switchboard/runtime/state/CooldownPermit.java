package dev.switchboard.runtime.state;

/** What {@link StateStore#acquireCooldown} allows. */
public enum CooldownPermit {
    /** The target is closed: go ahead. */
    CALL,
    /** The target's cooldown is over and this call is its one probe. */
    PROBE,
    /** The target is cooling down (or another call is probing it): skip it. */
    REJECTED
}
