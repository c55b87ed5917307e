package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One access key of the gateway, kept only as its SHA-256 hash: a presented key is hashed and compared with
 * {@link MessageDigest#isEqual} (constant time, and the same length whatever was presented), so neither timing nor a
 * heap dump gives the key away. Per-key limits will live here.
 */
public final class AccessKey {

    private final byte[] hash;

    private AccessKey(byte[] hash) {
        this.hash = hash;
    }

    public static AccessKey of(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an access key cannot be empty");
        }
        return new AccessKey(sha256(key));
    }

    /** Whether {@code presented} is this key. */
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
        return "AccessKey[****]";
    }
}
