package dev.otlprelay.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code loadgen} command line.
 *
 * @param rate spans per second; 0 means as fast as the relay answers ({@code --rate max})
 */
record LoadgenOptions(URI endpoint, Protocol protocol, long rate, Duration duration, int spansPerRequest,
                      int traces, double errorShare, int concurrency, long seed, Path summaryJson) {

    enum Protocol {
        HTTP_PROTOBUF("http/protobuf"), HTTP_JSON("http/json"), GRPC("grpc");

        final String word;

        Protocol(String word) {
            this.word = word;
        }
    }

    static final String USAGE = """
            usage: java -jar otlp-relay.jar loadgen [options]

            Sends Flask-like OTLP traces (a server root span, app and database child spans, events, a share of
            500 errors; one trace's spans spread over requests) and reports spans/s and ack latency.

            options:
              --endpoint URL           where to send (default http://127.0.0.1:4318, or :4317 for grpc)
              --protocol P             http/protobuf (default), http/json or grpc
              --rate N|max             spans per second, or max: as fast as the relay answers (default max)
              --duration D             how long to send: 500ms, 30s, 2m (default 30s)
              --spans-per-request N    spans in each request (default 512, the SDK's batch size)
              --traces N               distinct traces encoded before the load starts; they are sent round
                                       after round with fresh trace ids (default 4096)
              --error-share F          share of traces that fail with a 500, 0 to 1 (default 0.01)
              --concurrency N          requests in flight at once (default 4)
              --seed N                 makes the traces reproducible (default 1)
              --summary-json FILE      also write the summary as JSON
            """;

    private static final List<String> FLAGS = List.of("--endpoint", "--protocol", "--rate", "--duration",
            "--spans-per-request", "--traces", "--error-share", "--concurrency", "--seed", "--summary-json");

    /** @return the options, or null when {@code --help} was asked for */
    static LoadgenOptions parse(String[] args) {
        String endpoint = null;
        Protocol protocol = Protocol.HTTP_PROTOBUF;
        long rate = 0;
        Duration duration = Duration.ofSeconds(30);
        int spansPerRequest = 512;
        int traces = 4096;
        double errorShare = 0.01;
        int concurrency = 4;
        long seed = 1;
        Path summary = null;
        Flags flags = new Flags(args, FLAGS);
        while (flags.next()) {
            String v = flags.value();
            switch (flags.name()) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--endpoint" -> endpoint = v;
                case "--protocol" -> protocol = switch (v.toLowerCase(Locale.ROOT)) {
                    case "http/protobuf", "http" -> Protocol.HTTP_PROTOBUF;
                    case "http/json", "json" -> Protocol.HTTP_JSON;
                    case "grpc" -> Protocol.GRPC;
                    default -> throw flags.bad("http/protobuf, http/json or grpc");
                };
                case "--rate" -> rate = v.equalsIgnoreCase("max") ? 0
                        : flags.positiveLong("spans per second, e.g. 10000, or max");
                case "--duration" -> duration = flags.duration();
                case "--spans-per-request" -> spansPerRequest = (int) flags.range(1, 1_000_000, "1 to 1000000");
                case "--traces" -> traces = (int) flags.range(1, 10_000_000, "1 to 10000000");
                case "--error-share" -> errorShare = flags.share();
                case "--concurrency" -> concurrency = (int) flags.range(1, 1024, "1 to 1024");
                case "--seed" -> seed = flags.anyLong();
                case "--summary-json" -> summary = Path.of(v);
                default -> throw new IllegalStateException(flags.name());
            }
        }
        URI uri;
        String text = endpoint != null ? endpoint
                : protocol == Protocol.GRPC ? "http://127.0.0.1:4317" : "http://127.0.0.1:4318";
        try {
            uri = URI.create(text.contains("://") ? text : "http://" + text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--endpoint: " + text + " (expected: a URL such as "
                    + "http://127.0.0.1:4318)");
        }
        if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--endpoint: " + text + " (expected: an http:// URL with a host, "
                    + "such as http://127.0.0.1:4318; TLS is not supported)");
        }
        return new LoadgenOptions(uri, protocol, rate, duration, spansPerRequest, traces, errorShare, concurrency,
                seed, summary);
    }
}
