package dev.switchboard.gateway.ui;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} calls, newest first: a ring buffer, so memory stays bounded however busy the gateway
 * is. Thread-safe (one lock, held for an array store).
 */
public final class RecentCalls {

    private final CallRecord[] ring;
    private int next;
    private long added;

    public RecentCalls(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.ring = new CallRecord[capacity];
    }

    public synchronized void add(CallRecord call) {
        ring[next] = call;
        next = (next + 1) % ring.length;
        added++;
    }

    /** The calls kept, newest first. */
    public synchronized List<CallRecord> newestFirst() {
        int size = (int) Math.min(added, ring.length);
        List<CallRecord> out = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            out.add(ring[Math.floorMod(next - i, ring.length)]);
        }
        return out;
    }

    public int capacity() {
        return ring.length;
    }

    /** Calls added since the start, also those the ring no longer holds. */
    public synchronized long added() {
        return added;
    }
}
