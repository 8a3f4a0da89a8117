package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;

/**
 * The {@code http} block, read from the old and the new HTTP semantic conventions alike (the new key first).
 *
 * @param xForwardedFor the client address came from a forwarding header (segments only)
 */
record HttpSection(String method, String url, String userAgent, String clientIp, boolean xForwardedFor,
                   Long status, Long contentLength) {
    private static final SerializableString HTTP = JsonFields.name("http");
    private static final SerializableString REQUEST = JsonFields.name("request");
    private static final SerializableString METHOD = JsonFields.name("method");
    private static final SerializableString URL = JsonFields.name("url");
    private static final SerializableString USER_AGENT = JsonFields.name("user_agent");
    private static final SerializableString CLIENT_IP = JsonFields.name("client_ip");
    private static final SerializableString X_FORWARDED_FOR = JsonFields.name("x_forwarded_for");
    private static final SerializableString RESPONSE = JsonFields.name("response");
    private static final SerializableString STATUS = JsonFields.name("status");
    private static final SerializableString CONTENT_LENGTH = JsonFields.name("content_length");

    /** The HTTP status of a span, used for the error flags too; null when the span has none. */
    static Long status(Attributes a) {
        return a.integer("http.response.status_code", "http.status_code");
    }

    /**
     * The section, or null when the span is not an HTTP span.
     *
     * @param status the span's {@link #status}
     */
    static HttpSection of(SpanKind kind, Attributes a, Long status) {
        String method = a.string("http.request.method", "http.method");
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
        JsonFields.startObject(g, HTTP);
        if (method != null || url != null || userAgent != null || clientIp != null) {
            JsonFields.startObject(g, REQUEST);
            if (method != null) {
                JsonFields.string(g, METHOD, limits.clip(method));
            }
            if (url != null) {
                JsonFields.string(g, URL, limits.clip(url));
            }
            if (userAgent != null) {
                JsonFields.string(g, USER_AGENT, limits.clip(userAgent));
            }
            if (clientIp != null) {
                JsonFields.string(g, CLIENT_IP, limits.clip(clientIp));
                if (xForwardedFor && segment) {
                    JsonFields.bool(g, X_FORWARDED_FOR, true);
                }
            }
            g.writeEndObject();
        }
        if (status != null || contentLength != null) {
            JsonFields.startObject(g, RESPONSE);
            if (status != null) {
                JsonFields.number(g, STATUS, status);
            }
            if (contentLength != null) {
                JsonFields.number(g, CONTENT_LENGTH, contentLength);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
