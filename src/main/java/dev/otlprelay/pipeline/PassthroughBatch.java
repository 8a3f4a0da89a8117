package dev.otlprelay.pipeline;

/**
 * A metrics or logs export request, forwarded untouched by sampling. The body is kept as received (after
 * decompression) together with its encoding, so it can be sent on byte for byte.
 */
public record PassthroughBatch(Signal signal, byte[] body, Encoding encoding, long sizeBytes, ClientContext client,
                               long receivedNanos) implements Batch {
    public enum Signal {
        METRICS("metrics"), LOGS("logs");

        private final String label;

        Signal(String label) {
            this.label = label;
        }

        /** The lower-case name used in URL paths ({@code /v1/metrics}) and metric tags. */
        public String label() {
            return label;
        }
    }

    public enum Encoding { PROTOBUF, JSON }

    @Override
    public int spanCount() {
        return 0;
    }
}
