package dev.switchboard.http;

import java.io.InputStream;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Hands out a byte array in slices whose sizes a function decides, the way a socket hands out a response in
 * arbitrary pieces: one byte per read, a split at one position, or random sizes from a fixed seed.
 */
final class SlicedInputStream extends InputStream {

    private final byte[] bytes;
    private final IntUnaryOperator sliceSize; // read number -> at most this many bytes
    private int pos;
    private int reads;

    private SlicedInputStream(byte[] bytes, IntUnaryOperator sliceSize) {
        this.bytes = bytes;
        this.sliceSize = sliceSize;
    }

    static SlicedInputStream whole(byte[] bytes) {
        return new SlicedInputStream(bytes, n -> Integer.MAX_VALUE);
    }

    static SlicedInputStream oneByteAtATime(byte[] bytes) {
        return new SlicedInputStream(bytes, n -> 1);
    }

    /** Two reads: bytes before {@code at}, then the rest. */
    static SlicedInputStream splitAt(byte[] bytes, int at) {
        // a split at 0 is the same as whole(): a read never returns zero bytes
        return new SlicedInputStream(bytes, n -> n == 0 && at > 0 ? at : Integer.MAX_VALUE);
    }

    /** Random slice sizes between 1 and {@code max}, reproducible from {@code seed}. */
    static SlicedInputStream randomSlices(byte[] bytes, long seed, int max) {
        Random random = new Random(seed);
        return new SlicedInputStream(bytes, n -> 1 + random.nextInt(max));
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos >= bytes.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, sliceSize.applyAsInt(reads++)), bytes.length - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
    }

}
