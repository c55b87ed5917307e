package dev.switchboard.api;

import java.util.Arrays;

/** The vector of input number {@code index}. The array is not copied: treat it as read-only. */
public record Embedding(int index, float[] vector) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.index == index && Arrays.equals(e.vector, vector);
    }

    @Override
    public int hashCode() {
        return 31 * index + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[index=" + index + ", dimensions=" + vector.length + "]";
    }
}
