package dev.otlprelay.sample.xrayrules;

import com.google.protobuf.ByteString;
import dev.otlprelay.sample.SpanRef;
import dev.otlprelay.sample.TraceView;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds {@link TraceView}s for the rule and condition tests: a resource, a local root, children. */
public final class Traces {
    private static final long START = 1_700_000_000_000_000_000L;

    private Traces() {
    }

    public static Builder trace() {
        return new Builder();
    }

    /** A 16-byte trace id from a seeded generator. */
    public static ByteString randomId(Random random) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return ByteString.copyFrom(id);
    }

    /** A trace id whose randomness (bytes 9..15) is {@code r}, and whose other bytes are {@code high}. */
    public static ByteString idWithRandomness(long r, byte high) {
        byte[] id = new byte[16];
        for (int i = 0; i < 9; i++) {
            id[i] = high;
        }
        for (int i = 15; i >= 9; i--) {
            id[i] = (byte) r;
            r >>>= 8;
        }
        return ByteString.copyFrom(id);
    }

    public static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    public static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    public record View(ByteString traceId, SpanRef root, List<SpanRef> spans) implements TraceView {
    }

    public static final class Builder {
        private ByteString traceId = ByteString.copyFrom(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        private final Resource.Builder resource = Resource.newBuilder();
        private final Span.Builder root = Span.newBuilder().setName("root").setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(START).setEndTimeUnixNano(START + 10_000_000);
        private final List<Span> children = new ArrayList<>();
        private boolean withRoot = true;

        public Builder id(ByteString id) {
            this.traceId = id;
            return this;
        }

        public Builder service(String name) {
            return resource("service.name", name);
        }

        public Builder resource(String key, String value) {
            resource.addAttributes(attr(key, value));
            return this;
        }

        /** A string attribute on the local root. */
        public Builder root(String key, String value) {
            root.addAttributes(attr(key, value));
            return this;
        }

        public Builder root(String key, long value) {
            root.addAttributes(attr(key, value));
            return this;
        }

        public Builder rootDuration(Duration d) {
            root.setEndTimeUnixNano(root.getStartTimeUnixNano() + d.toNanos());
            return this;
        }

        public Builder rootError() {
            root.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
            return this;
        }

        /** A child span, starting {@code offset} after the root, lasting {@code length}, with attributes. */
        public Builder child(Duration offset, Duration length, KeyValue... attributes) {
            return child(offset, length, false, attributes);
        }

        public Builder errorChild(KeyValue... attributes) {
            return child(Duration.ofMillis(1), Duration.ofMillis(1), true, attributes);
        }

        private Builder child(Duration offset, Duration length, boolean error, KeyValue... attributes) {
            long start = START + offset.toNanos();
            Span.Builder s = Span.newBuilder().setName("child").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setParentSpanId(ByteString.copyFrom(new byte[8])).setStartTimeUnixNano(start)
                    .setEndTimeUnixNano(start + length.toNanos()).addAllAttributes(List.of(attributes));
            if (error) {
                s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
            }
            children.add(s.build());
            return this;
        }

        /** The root has not arrived: the trace is only its children. */
        public Builder withoutRoot() {
            withRoot = false;
            return this;
        }

        public View build() {
            Resource r = resource.build();
            List<SpanRef> spans = new ArrayList<>();
            SpanRef rootRef = null;
            if (withRoot) {
                rootRef = ref(r, root.setTraceId(traceId).build());
                spans.add(rootRef);
            }
            for (Span c : children) {
                spans.add(ref(r, c.toBuilder().setTraceId(traceId).build()));
            }
            if (spans.isEmpty()) {
                throw new IllegalStateException("a trace needs a span");
            }
            return new View(traceId, rootRef, List.copyOf(spans));
        }

        private static SpanRef ref(Resource r, Span s) {
            return new SpanRef(r, InstrumentationScope.getDefaultInstance(), "", "", s);
        }
    }
}
