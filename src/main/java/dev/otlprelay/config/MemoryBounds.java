package dev.otlprelay.config;

/**
 * What the relay holds in memory, bounded by default from the JVM's max heap, so that the default configuration fits
 * the container it runs in (a 256 MiB container once ran out of heap with Honeycomb down: the 256 MiB default queue
 * alone filled it). Each bound that is not set defaults to a share of the max heap, up to its former fixed value:
 *
 * <pre>
 *   honeycomb.queue_bytes          20 %, at most 256 MiB
 *   sampling.max_buffer_bytes      12 %, at most 128 MiB
 *   xray.queue_bytes                8 %, at most  64 MiB
 *   receiver.max_inflight_bytes     8 %, at most  64 MiB   (at least 4 MiB, one gRPC message; max_request_bytes
 *                                                          is at most that, at most 20 MiB, and the sampling buffer
 *                                                          at least max_request_bytes)
 * </pre>
 *
 * 48 % in all: the rest is for what those bytes become while they are decoded, encoded and sent (several times
 * their size for a moment), and for the JVM. Bounds set explicitly are kept, but a configuration whose bounds add up
 * to more than {@value #MAX_TOTAL_PERCENT} % of the heap is refused at start, saying which and why, rather than run
 * out of heap later. (Like Refinery, which sizes its cache from the memory available, and the Collector's
 * memory_limiter, which refuses data above a share of it.)
 */
public final class MemoryBounds {
    private static final long MIB = 1024L * 1024;
    static final int MAX_TOTAL_PERCENT = 75;

    private MemoryBounds() {
    }

    /** The JVM's max heap, as the defaults are sized from it. */
    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    static long honeycombQueue(long maxHeap) {
        return share(maxHeap, 20, 256 * MIB);
    }

    static long samplingBuffer(long maxHeap) {
        return Math.max(maxRequest(maxHeap), share(maxHeap, 12, 128 * MIB));
    }

    static long xrayQueue(long maxHeap) {
        return share(maxHeap, 8, 64 * MIB);
    }

    /** At least the default gRPC message limit, which the budget must be able to admit. */
    static long inflight(long maxHeap) {
        return Math.max(4 * MIB, share(maxHeap, 8, 64 * MIB));
    }

    static long maxRequest(long maxHeap) {
        return Math.min(20 * MIB, inflight(maxHeap));
    }

    /** {@code percent} of the heap, at least 1 MiB (the smallest bound the keys accept), at most {@code cap}. */
    private static long share(long maxHeap, int percent, long cap) {
        return Math.min(cap, Math.max(MIB, maxHeap / 100 * percent));
    }
}
