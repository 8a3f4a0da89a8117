package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;

/**
 * The {@code http} block, read from the old and the new HTTP semantic conventions alike (the new key first).
 *
 * @param xForwardedFor the client address came from a forwarding header (segments only)
 */
record HttpSection(String method, String url, String userAgent, String clientIp, boolean xForwardedFor,
                   Long status, Long contentLength) {

    /** The HTTP status of a span, used for the error flags too; null when the span has none. */
    static Long status(Attributes a) {
        return a.integer("http.response.status_code", "http.status_code");
    }

    /** The section, or null when the span is not an HTTP span. */
    static HttpSection of(SpanKind kind, Attributes a) {
        String method = a.string("http.request.method", "http.method");
        Long status = status(a);
        String url = a.string("url.full", "http.url");
        if (method == null && status == null && url == null) {
            return null;
        }
        boolean server = kind == SpanKind.SPAN_KIND_SERVER;
        if (url == null) {
            url = assembleUrl(a, server);
        }
        String clientIp = null;
        boolean forwarded = false;
        if (server) {
            clientIp = a.string("http.client_ip");
            forwarded = clientIp != null;
            if (clientIp == null) {
                clientIp = a.string("client.address");
                String peer = a.string("network.peer.address");
                // client.address differs from the socket peer only when read from X-Forwarded-For / Forwarded.
                forwarded = clientIp != null && peer != null && !peer.equals(clientIp);
            }
            if (clientIp == null) {
                clientIp = a.string("net.sock.peer.addr", "net.peer.ip", "network.peer.address");
            }
        }
        return new HttpSection(method, url, a.string("user_agent.original", "http.user_agent"), clientIp, forwarded,
                status, a.integer("http.response.body.size", "http.response_content_length"));
    }

    /**
     * {@code scheme://host[:port]target} when the span has no full URL: servers report {@code http.host} or
     * {@code server.address}/{@code server.port} and {@code http.target} or {@code url.path}/{@code url.query};
     * clients the peer's address, and only with a scheme or a target.
     */
    private static String assembleUrl(Attributes a, boolean server) {
        String scheme = a.string("url.scheme", "http.scheme");
        if (!server && scheme == null && a.string("http.target", "url.path") == null) {
            // A client span with nothing but a peer address: a URL would be a guess (AWS SDK calls are https).
            return null;
        }
        if (scheme == null) {
            scheme = "http";
        }
        String host = a.string("http.host");
        if (host == null) {
            String name = server ? a.string("server.address", "http.server_name", "net.host.name")
                    : a.string("server.address", "net.peer.name", "network.peer.address", "net.sock.peer.addr");
            if (name == null) {
                return null;
            }
            if (name.indexOf(':') >= 0) {
                name = "[" + name + "]";
            }
            Long port = server ? a.integer("server.port", "net.host.port") : a.integer("server.port", "net.peer.port");
            boolean defaultPort = port == null || ("http".equals(scheme) && port == 80)
                    || ("https".equals(scheme) && port == 443);
            host = defaultPort ? name : name + ":" + port;
        }
        String target = a.string("http.target");
        if (target == null) {
            String path = a.string("url.path");
            String query = a.string("url.query");
            target = (path == null ? "/" : path) + (query == null ? "" : "?" + query);
        }
        return scheme + "://" + host + target;
    }

    void write(JsonGenerator g, Limits limits, boolean segment) throws IOException {
        g.writeObjectFieldStart("http");
        if (method != null || url != null || userAgent != null || clientIp != null) {
            g.writeObjectFieldStart("request");
            if (method != null) {
                g.writeStringField("method", limits.clip(method));
            }
            if (url != null) {
                g.writeStringField("url", limits.clip(url));
            }
            if (userAgent != null) {
                g.writeStringField("user_agent", limits.clip(userAgent));
            }
            if (clientIp != null) {
                g.writeStringField("client_ip", limits.clip(clientIp));
                if (xForwardedFor && segment) {
                    g.writeBooleanField("x_forwarded_for", true);
                }
            }
            g.writeEndObject();
        }
        if (status != null || contentLength != null) {
            g.writeObjectFieldStart("response");
            if (status != null) {
                g.writeNumberField("status", status);
            }
            if (contentLength != null) {
                g.writeNumberField("content_length", contentLength);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
