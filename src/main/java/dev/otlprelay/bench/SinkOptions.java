package dev.otlprelay.bench;

import dev.otlprelay.config.HostPort;
import java.time.Duration;
import java.util.List;

/** The {@code sink} command line; each address is null when its listener is not wanted. */
record SinkOptions(HostPort honeycomb, HostPort xray, HostPort nullRelay, HostPort nullRelayGrpc,
                   Duration printEvery) {

    static final String USAGE = """
            usage: java -jar otlp-relay.jar sink [--honeycomb ADDRESS] [--xray ADDRESS]
                                                 [--null-relay ADDRESS] [--null-relay-grpc ADDRESS]

            Counts what a relay delivers, or stands in for a relay that does nothing. Runs until stopped (SIGTERM,
            Ctrl-C); prints "listening NAME HOST:PORT" for each listener first (port 0 picks a free port).

            options:
              --honeycomb ADDRESS        fake Honeycomb: POST /v1/traces (gzip or not) is decoded and its spans
                                         counted, answered 200; GET /counts returns the counts as JSON
              --xray ADDRESS             fake X-Ray daemon (UDP): counts datagrams whose header line and JSON check
              --null-relay ADDRESS       null relay, OTLP/HTTP: reads each request, decodes nothing, answers 200
                                         (GET /counts works here too)
              --null-relay-grpc ADDRESS  null relay, OTLP/gRPC: TraceService/Export answered OK without decoding
              --print-every D            how often to print the counts (default 5s)
            """;

    private static final List<String> FLAGS = List.of("--honeycomb", "--xray", "--null-relay", "--null-relay-grpc",
            "--print-every");

    /** @return the options, or null when {@code --help} was asked for */
    static SinkOptions parse(String[] args) {
        HostPort honeycomb = null;
        HostPort xray = null;
        HostPort nullRelay = null;
        HostPort nullRelayGrpc = null;
        Duration printEvery = Duration.ofSeconds(5);
        Flags flags = new Flags(args, FLAGS);
        while (flags.next()) {
            switch (flags.name()) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--honeycomb" -> honeycomb = flags.hostPort();
                case "--xray" -> xray = flags.hostPort();
                case "--null-relay" -> nullRelay = flags.hostPort();
                case "--null-relay-grpc" -> nullRelayGrpc = flags.hostPort();
                case "--print-every" -> printEvery = flags.duration();
                default -> throw new IllegalStateException(flags.name());
            }
        }
        if (honeycomb == null && xray == null && nullRelay == null && nullRelayGrpc == null) {
            throw new IllegalArgumentException("nothing to listen on (expected at least one of --honeycomb, --xray, "
                    + "--null-relay, --null-relay-grpc)");
        }
        return new SinkOptions(honeycomb, xray, nullRelay, nullRelayGrpc, printEvery);
    }
}
