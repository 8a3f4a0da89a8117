package dev.otlprelay.bench;

/**
 * One way of delivering an encoded trace request and waiting for the relay's answer. Called from several load
 * threads at once.
 */
interface Transport extends AutoCloseable {
    /** What the relay answered. */
    record Ack(boolean ok, String status, long rejectedSpans) {
    }

    /** Sends one request and blocks until it is answered, failed or timed out. */
    Ack send(byte[] body) throws InterruptedException;

    @Override
    void close();
}
