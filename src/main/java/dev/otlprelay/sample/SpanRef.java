package dev.otlprelay.sample;

import com.google.protobuf.ByteString;
import dev.otlprelay.pipeline.TraceWire;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

/**
 * One span with the resource and scope it arrived under: what a sampler needs to read a span whole.
 *
 * <p>A span the trace buffer holds is kept as its <em>encoding</em> when the request brought one (see
 * {@link #encoded}), with the few facts every decision reads about every span taken while it was decoded anyway:
 * whether it is a local root, its times, whether it failed. A decoded span takes several times its encoded size
 * on the heap in some thirty objects, and buffered spans wait seconds for their decision — long enough to be
 * promoted and to make the collector the sampler's main cost. {@link #span()} decodes again only what a decision
 * reads whole: a trace's root (rules match on its attributes) and the spans of kept traces.
 *
 * <p>Safe to share between the receiving thread that builds it and the thread that decides.
 */
public final class SpanRef {
    private static final int SERVER_ERROR = 500;
    /** Compared as bytes: a decoded key stays bytes until read as a String, and most spans are never read again. */
    private static final ByteString HTTP_RESPONSE_STATUS_CODE = ByteString.copyFromUtf8("http.response.status_code");
    private static final ByteString HTTP_STATUS_CODE = ByteString.copyFromUtf8("http.status_code");

    private final Resource resource;
    private final InstrumentationScope scope;
    private final String resourceSchemaUrl;
    private final String scopeSchemaUrl;
    /** The span's encoding, or null when the span is held decoded. */
    private final ByteString encoded;
    /** The decoded span: always set when {@link #encoded} is null, else once something asked for it. */
    private volatile Span span;
    private final boolean parentless;
    private final boolean remoteChild;
    private final boolean error;
    private final long startNanos;
    private final long endNanos;

    /** A span held decoded. */
    public SpanRef(Resource resource, InstrumentationScope scope, String resourceSchemaUrl, String scopeSchemaUrl,
                   Span span) {
        this(resource, scope, resourceSchemaUrl, scopeSchemaUrl, span, null, false);
    }

    private SpanRef(Resource resource, InstrumentationScope scope, String resourceSchemaUrl, String scopeSchemaUrl,
                    Span span, ByteString encoded, boolean keepDecodedRoot) {
        this.resource = resource;
        this.scope = scope;
        this.resourceSchemaUrl = resourceSchemaUrl;
        this.scopeSchemaUrl = scopeSchemaUrl;
        this.encoded = encoded;
        this.parentless = isParentless(span);
        this.span = encoded == null || (keepDecodedRoot && parentless) ? span : null;
        this.remoteChild = span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                || span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
        this.error = hasError(span);
        this.startNanos = span.getStartTimeUnixNano();
        this.endNanos = span.getEndTimeUnixNano();
    }

    /**
     * A span held as {@code encoded}, which must be the encoding of {@code decoded}; the decoded span is read here
     * and not kept, unless {@code keepDecodedRoot} and it is a true root (no parent): a root that is about to be
     * decided (see {@link Sampler#decidesOnRoot()}) would otherwise be decoded again at once for the rules.
     */
    static SpanRef encoded(Resource resource, InstrumentationScope scope, String resourceSchemaUrl,
                           String scopeSchemaUrl, Span decoded, ByteString encoded, boolean keepDecodedRoot) {
        return new SpanRef(resource, scope, resourceSchemaUrl, scopeSchemaUrl, decoded, encoded, keepDecodedRoot);
    }

    public Resource resource() {
        return resource;
    }

    public InstrumentationScope scope() {
        return scope;
    }

    public String resourceSchemaUrl() {
        return resourceSchemaUrl;
    }

    public String scopeSchemaUrl() {
        return scopeSchemaUrl;
    }

    /** The span, decoded from its encoding the first time it is asked for. */
    public Span span() {
        Span s = span;
        if (s == null) {
            s = TraceWire.decodeAgain(Span.parser(), encoded, "a buffered span");
            span = s;
        }
        return s;
    }

    /** Whether the span is held as its encoding rather than decoded. */
    boolean isEncoded() {
        return encoded != null;
    }

    /** No parent span id (or an all-zero one): the trace's true root. */
    public boolean parentless() {
        return parentless;
    }

    /** A SERVER or CONSUMER span: its parent lives in the caller. */
    public boolean remoteChild() {
        return remoteChild;
    }

    /** Span status ERROR, or an HTTP response status of 500 or more. */
    public boolean error() {
        return error;
    }

    public long startNanos() {
        return startNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    private static boolean isParentless(Span span) {
        ByteString parent = span.getParentSpanId();
        for (int i = 0; i < parent.size(); i++) {
            if (parent.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasError(Span span) {
        if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            return true;
        }
        for (KeyValue kv : span.getAttributesList()) {
            ByteString key = kv.getKeyBytes();
            if ((key.equals(HTTP_RESPONSE_STATUS_CODE) || key.equals(HTTP_STATUS_CODE))
                    && AttributeText.integer(kv.getValue()) >= SERVER_ERROR) {
                return true;
            }
        }
        return false;
    }
}
