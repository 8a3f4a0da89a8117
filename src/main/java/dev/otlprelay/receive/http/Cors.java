package dev.otlprelay.receive.http;

import dev.otlprelay.config.CorsConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * CORS for OpenTelemetry's browser exporters ({@code receiver.cors}), as the Collector's OTLP receiver answers:
 * a preflight from an allowed origin gets 204 with the origin, {@code POST} and the requested headers allowed;
 * every answer to an allowed origin names it in {@code Access-Control-Allow-Origin}. Credentials are allowed, as
 * the Collector allows them: {@code navigator.sendBeacon}, which the web exporters use when a page unloads,
 * always sends them, and a browser then refuses a {@code *} answer. Off (and every OPTIONS a 405) without
 * allowed origins.
 */
final class Cors {
    /** Headers a browser app may always send: the CORS-safelisted ones and those rs/cors always allows. */
    private static final Set<String> ALWAYS_ALLOWED = Set.of("accept", "accept-language", "content-language",
            "content-type", "origin", "x-requested-with");
    private static final String VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    private final boolean anyOrigin;
    private final List<String> origins;
    private final boolean anyHeader;
    private final Set<String> headers;
    private final long maxAgeSeconds;

    Cors(CorsConfig config) {
        this.origins = config.allowedOrigins();
        this.anyOrigin = origins.contains("*");
        List<String> h = new ArrayList<>();
        for (String name : config.allowedHeaders()) {
            h.add(name.toLowerCase(Locale.ROOT));
        }
        this.anyHeader = h.contains("*");
        this.headers = Set.copyOf(h);
        this.maxAgeSeconds = config.maxAge().toSeconds();
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    /** A CORS preflight: OPTIONS with an Origin and the method the page wants to use. */
    static boolean isPreflight(HttpRequest request) {
        return HttpMethod.OPTIONS.equals(request.method())
                && request.headers().contains(HttpHeaderNames.ORIGIN)
                && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** The request's origin when it is one CORS allows; null when CORS is off or the request names none. */
    String allowedOrigin(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && enabled() && originAllowed(origin) ? origin : null;
    }

    /**
     * Why this preflight is refused, for the page's developer (the browser shows only "blocked by CORS"); null
     * when it is allowed.
     */
    String refusal(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!originAllowed(origin)) {
            return "origin " + origin + " is not allowed to send here (expected: one of "
                    + String.join(", ", origins) + "; the list is RELAY_CORS_ALLOWED_ORIGINS)";
        }
        String method = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD).trim();
        if (!method.equals("POST")) {
            return "method " + method + " is not allowed (expected: POST, as OTLP/HTTP exporters send)";
        }
        for (String name : requestedHeaders(request)) {
            if (!anyHeader && !ALWAYS_ALLOWED.contains(name) && !headers.contains(name)) {
                return "request header " + name + " is not allowed (expected: one of " + allowedHeaderList()
                        + "; add it to RELAY_CORS_ALLOWED_HEADERS)";
            }
        }
        return null;
    }

    /**
     * The answer to a preflight: 204 with what the page may do, or 403 saying why not (a browser shows only that
     * CORS blocked the request; the reason is for whoever looks with curl).
     *
     * @param refusal what {@link #refusal} said of this request
     */
    FullHttpResponse preflightAnswer(HttpRequest request, String refusal) {
        FullHttpResponse response;
        if (refusal == null) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            preflightHeaders(request, response.headers());
        } else {
            byte[] text = (refusal + "\n").getBytes(StandardCharsets.UTF_8);
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                    Unpooled.wrappedBuffer(text));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.VARY, "Origin");
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** The headers of the 204 answering an allowed preflight. */
    private void preflightHeaders(HttpRequest request, HttpHeaders h) {
        h.set(HttpHeaderNames.VARY, VARY_PREFLIGHT);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, request.headers().get(HttpHeaderNames.ORIGIN));
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST");
        List<String> requested = requestedHeaders(request);
        if (!requested.isEmpty()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", requested));
        }
        if (maxAgeSeconds > 0) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(maxAgeSeconds));
        }
    }

    /** The headers every other answer carries: the allowed origin (null when none) and what caches must know. */
    void answerHeaders(String allowedOrigin, HttpHeaders h) {
        if (!enabled()) {
            return;
        }
        h.set(HttpHeaderNames.VARY, "Origin");
        if (allowedOrigin != null) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            // A browser exporter reads Retry-After on 429 and 503 only if it may.
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After");
        }
    }

    private boolean originAllowed(String origin) {
        if (anyOrigin) {
            return true;
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        for (String allowed : origins) {
            int star = allowed.indexOf('*');
            if (star < 0 ? o.equals(allowed) : o.length() >= allowed.length() - 1
                    && o.startsWith(allowed.substring(0, star)) && o.endsWith(allowed.substring(star + 1))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> requestedHeaders(HttpRequest request) {
        List<String> names = new ArrayList<>();
        for (String value : request.headers().getAll(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)) {
            for (String part : value.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private String allowedHeaderList() {
        List<String> all = new ArrayList<>(new TreeSet<>(ALWAYS_ALLOWED));
        all.addAll(headers);
        return String.join(", ", all);
    }
}
