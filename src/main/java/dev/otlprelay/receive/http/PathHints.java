package dev.otlprelay.receive.http;

/** The 404 messages: say what the right path is, especially for the classic doubled-path mistake. */
final class PathHints {
    private PathHints() {
    }

    static String notFound(String path) {
        for (String signal : new String[] {"traces", "metrics", "logs"}) {
            String right = "/v1/" + signal;
            if (path.endsWith(right) || path.contains(right + "/")) {
                return "no OTLP endpoint at " + path + " (expected: POST " + right + "). The SDK appends " + right
                        + " to OTEL_EXPORTER_OTLP_ENDPOINT: set it to the relay's base URL without a path, e.g. "
                        + "http://otlp-relay:4318, or set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to the full URL";
            }
        }
        return "no OTLP endpoint at " + path
                + " (expected: POST /v1/traces, /v1/metrics or /v1/logs on this OTLP/HTTP port)";
    }
}
