package dev.switchboard.gateway;

import dev.switchboard.runtime.metering.BudgetLimit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One access key of the gateway, kept only as its SHA-256 hash: a presented key is hashed and compared with
 * {@link MessageDigest#isEqual} (constant time, and the same length whatever was presented), so neither timing nor a
 * heap dump gives the key away. A key has a name (its usage is reported under it, never under the key) and may carry
 * its own limits of requests and tokens per minute and its own budget. A plain key reads only its own usage; an
 * {@linkplain #admin() admin} key reads everybody's, and the metrics. Immutable.
 */
public final class AccessKey {

    private final byte[] hash;
    private final String name;
    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final BudgetLimit budget;
    private final boolean admin;

    private AccessKey(byte[] hash, String name, int requestsPerMinute, long tokensPerMinute, BudgetLimit budget,
                      boolean admin) {
        this.hash = hash;
        this.name = name;
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.budget = budget;
        this.admin = admin;
    }

    /**
     * A key without limits, named {@code key-} and the first 8 hex digits of its SHA-256 hash (stable, and not the
     * key).
     */
    public static AccessKey of(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an access key cannot be empty");
        }
        dev.switchboard.spi.SecretRegistry.global().register(key); // masked wherever it might be echoed
        byte[] hash = sha256(key);
        return new AccessKey(hash, "key-" + HexFormat.of().formatHex(hash, 0, 4), 0, 0, null, false);
    }

    /** A copy named {@code newName} (how usage, limits and budgets report it). */
    public AccessKey withName(String newName) {
        Objects.requireNonNull(newName, "newName");
        if (newName.isBlank()) {
            throw new IllegalArgumentException("an access key's name cannot be blank");
        }
        return new AccessKey(hash, newName.strip(), requestsPerMinute, tokensPerMinute, budget, admin);
    }

    /** A copy limited to {@code requests} and {@code tokens} per minute; 0 for no limit. */
    public AccessKey withLimits(int requests, long tokens) {
        if (requests < 0 || tokens < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
        return new AccessKey(hash, name, requests, tokens, budget, admin);
    }

    /** A copy with a spending limit. */
    public AccessKey withBudget(BudgetLimit newBudget) {
        return new AccessKey(hash, name, requestsPerMinute, tokensPerMinute, Objects.requireNonNull(newBudget, "newBudget"),
                admin);
    }

    /** A copy that is an admin key ({@code true}) or a plain one. */
    public AccessKey withAdmin(boolean newAdmin) {
        return new AccessKey(hash, name, requestsPerMinute, tokensPerMinute, budget, newAdmin);
    }

    /** Whether the key reads everybody's usage and the metrics; a plain key reads only its own usage. */
    public boolean admin() {
        return admin;
    }

    public String name() {
        return name;
    }

    /** Requests per minute; 0 for no limit. */
    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Tokens (input plus output) per minute; 0 for no limit. */
    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    public Optional<BudgetLimit> budget() {
        return Optional.ofNullable(budget);
    }

    /** Whether {@code presentedHash} is the hash of this key. */
    boolean matches(byte[] presentedHash) {
        return MessageDigest.isEqual(hash, presentedHash);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AccessKey[" + name + (admin ? ", admin" : "") + ", ****]";
    }
}
