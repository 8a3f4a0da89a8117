package dev.otlprelay.bench;

/**
 * One way of delivering an encoded trace request and waiting for the relay's answer. Called from several load
 * threads at once.
 */
interface Transport extends AutoCloseable {
    /** What the relay answered. */
    record Reply(boolean ok, String status, long rejectedSpans) {
    }

    /** Sends one request and blocks until it is answered, failed or timed out. */
    Reply send(byte[] body) throws InterruptedException;

    @Override
    void close();
}
