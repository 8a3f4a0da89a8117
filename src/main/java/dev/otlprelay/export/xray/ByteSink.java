package dev.otlprelay.export.xray;

import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A reusable, bounded byte buffer for one datagram. Writing past the bound throws {@link Full} at once, so a span
 * with a 10 MB attribute costs one datagram's worth of encoding, not ten megabytes, before the encoder shrinks it.
 *
 * <p>The bytes live in a direct buffer of the bound's size, allocated once: a datagram channel sends a direct buffer
 * as it is, where it copies a heap buffer into a temporary direct one on every send.
 */
final class ByteSink extends OutputStream {
    /** Thrown when a write would exceed the bound. Carries no stack trace and takes no suppressed exceptions. */
    static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Full INSTANCE = new Full();

        private Full() {
            super("datagram bound reached", null, false, false);
        }
    }

    /** Position: the size written since {@link #reset()}; capacity: the bound. */
    private final ByteBuffer buf;

    ByteSink(int bound) {
        this.buf = ByteBuffer.allocateDirect(bound);
    }

    void reset() {
        buf.clear();
    }

    int size() {
        return buf.position();
    }

    int bound() {
        return buf.capacity();
    }

    /** The bytes written since {@link #reset()}, from position 0 to the limit; valid until the next write. */
    ByteBuffer contents() {
        return buf.duplicate().flip();
    }

    /** A copy of the bytes written from position {@code from} to {@code to}. */
    byte[] copy(int from, int to) {
        byte[] out = new byte[to - from];
        buf.get(from, out);
        return out;
    }

    @Override
    public void write(int b) {
        if (!buf.hasRemaining()) {
            throw Full.INSTANCE;
        }
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > buf.remaining()) {
            throw Full.INSTANCE;
        }
        buf.put(b, off, len);
    }
}
