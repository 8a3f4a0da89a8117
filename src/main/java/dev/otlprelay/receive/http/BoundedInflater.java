package dev.otlprelay.receive.http;

import dev.otlprelay.receive.Admission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip body while enforcing the request limit as it goes: output memory grows only in steps that
 * the admission budget granted first, and never past {@code limit + 1} bytes, so a 10 KB gzip bomb that would
 * inflate to gigabytes costs at most the limit before it is refused.
 */
final class BoundedInflater {
    private static final int MIN_CAPACITY = 64 * 1024;

    private BoundedInflater() {
    }

    /** The body inflated beyond the limit. */
    static final class TooLargeException extends Exception {
        TooLargeException(long limit) {
            super("request body inflates to more than " + limit + " bytes");
        }
    }

    /** The admission budget refused the memory the inflated body needs. */
    static final class OverBudgetException extends Exception {
        OverBudgetException() {
            super("over the in-flight byte budget");
        }
    }

    /**
     * Inflated bytes in {@code bytes[0, length)}; the output buffer holds {@code reserved} bytes of the admission
     * budget, which the caller releases when done with it.
     */
    record Inflated(byte[] bytes, int length, long reserved) {
    }

    /** Inflates; on any exception the budget it took is already given back. */
    static Inflated gunzip(byte[] in, int offset, int length, long limit, Admission admission)
            throws IOException, TooLargeException, OverBudgetException {
        int capacity = (int) Math.min(limit + 1, Math.max(MIN_CAPACITY, (long) length * 4));
        if (!admission.tryAcquire(capacity)) {
            throw new OverBudgetException();
        }
        long reserved = capacity;
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, offset, length), 8192)) {
            byte[] out = new byte[capacity];
            int size = 0;
            while (true) {
                if (size == out.length) {
                    if (size > limit) {
                        throw new TooLargeException(limit);
                    }
                    int grown = (int) Math.min(limit + 1, (long) out.length * 2);
                    if (!admission.tryAcquire(grown - out.length)) {
                        throw new OverBudgetException();
                    }
                    reserved += grown - out.length;
                    out = Arrays.copyOf(out, grown);
                }
                int n = gz.read(out, size, out.length - size);
                if (n < 0) {
                    break;
                }
                size += n;
            }
            if (size > limit) {
                throw new TooLargeException(limit);
            }
            return new Inflated(out, size, reserved);
        } catch (IOException | TooLargeException | OverBudgetException | RuntimeException e) {
            admission.release(reserved);
            throw e;
        }
    }
}
