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

    private static final Share HONEYCOMB_QUEUE = new Share(20, MIB, 256 * MIB);
    private static final Share SAMPLING_BUFFER = new Share(12, MIB, 128 * MIB);
    private static final Share XRAY_QUEUE = new Share(8, MIB, 64 * MIB);
    /** At least the default gRPC message limit, which the budget must be able to admit. */
    private static final Share INFLIGHT = new Share(8, 4 * MIB, 64 * MIB);
    private static final long MAX_REQUEST_CAP = 20 * MIB;

    /**
     * Each default in words, for the key reference (docs/configuration.md). The request limit and the buffer come out
     * as plain shares too: the limit is the budget capped at 20 MiB, and the buffer's floor, that limit, is never more
     * than 4 MiB or 12 % of the heap. {@code MemoryBoundsTest} checks each against its function.
     */
    static final String HONEYCOMB_QUEUE_RULE = HONEYCOMB_QUEUE.rule();
    static final String SAMPLING_BUFFER_RULE = "12% of the max heap, at least 4MiB, at most 128MiB";
    static final String XRAY_QUEUE_RULE = XRAY_QUEUE.rule();
    static final String INFLIGHT_RULE = INFLIGHT.rule();
    static final String MAX_REQUEST_RULE = "8% of the max heap, at least 4MiB, at most 20MiB";

    static long honeycombQueue(long maxHeap) {
        return HONEYCOMB_QUEUE.of(maxHeap);
    }

    static long samplingBuffer(long maxHeap) {
        return Math.max(maxRequest(maxHeap), SAMPLING_BUFFER.of(maxHeap));
    }

    static long xrayQueue(long maxHeap) {
        return XRAY_QUEUE.of(maxHeap);
    }

    static long inflight(long maxHeap) {
        return INFLIGHT.of(maxHeap);
    }

    static long maxRequest(long maxHeap) {
        return Math.min(MAX_REQUEST_CAP, inflight(maxHeap));
    }

    /**
     * {@code percent} of the heap, at least {@code floor} (1 MiB, the smallest bound the keys accept, unless more is
     * needed), at most {@code cap}.
     */
    private record Share(int percent, long floor, long cap) {
        long of(long maxHeap) {
            return Math.min(cap, Math.max(floor, maxHeap / 100 * percent));
        }

        String rule() {
            return percent + "% of the max heap, at least " + Values.binarySize(floor) + ", at most "
                    + Values.binarySize(cap);
        }
    }
}
