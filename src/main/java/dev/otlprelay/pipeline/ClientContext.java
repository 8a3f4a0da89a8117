package dev.otlprelay.pipeline;

/**
 * What the relay knows about the client that sent a request, as far as later stages need it.
 *
 * @param transport {@code http} or {@code grpc}
 * @param honeycombTeam the request's own {@code x-honeycomb-team} header, or null; a secret: never log it
 * @param honeycombDataset the request's own {@code x-honeycomb-dataset} header, or null
 */
public record ClientContext(String transport, String honeycombTeam, String honeycombDataset) {
    @Override
    public String toString() {
        // The team header is an API key: it must not reach a log line through a record's toString.
        return "ClientContext[transport=" + transport + ", honeycombTeam=" + (honeycombTeam == null ? "none" : "set")
                + ", honeycombDataset=" + honeycombDataset + "]";
    }
}
