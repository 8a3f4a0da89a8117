package dev.otlprelay.export.xray;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable, bounded byte buffer for one datagram. Writing past the bound throws {@link Full} at once, so a span
 * with a 10 MB attribute costs one datagram's worth of encoding, not ten megabytes, before the encoder shrinks it.
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

    private final int bound;
    private byte[] buf = new byte[4096];
    private int size;

    ByteSink(int bound) {
        this.bound = bound;
    }

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    int bound() {
        return bound;
    }

    /** The bytes written since {@link #reset()}, valid until the next write. */
    ByteBuffer contents() {
        return ByteBuffer.wrap(buf, 0, size);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int len) {
        if (len > bound - size) {
            throw Full.INSTANCE;
        }
        if (size + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(bound, Math.max(buf.length * 2, size + len)));
        }
    }
}
