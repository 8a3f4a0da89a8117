package dev.otlprelay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.otlprelay.config.SamplingConfig;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.BatchConsumer;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Spans, batches, clocks, samplers and capturing routes for the sampling stage's tests. */
final class BufferFixtures {
    static final ClientContext CLIENT = new ClientContext("http", null, null);

    private BufferFixtures() {
    }

    // ---- time ----------------------------------------------------------------------------------------------

    /** A nano clock that moves only when told to. */
    static final class FakeClock implements LongSupplier {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

        @Override
        public long getAsLong() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    // ---- configuration -------------------------------------------------------------------------------------

    /** Sampling settings with small, test-friendly caches; change what a test is about. */
    static final class Settings {
        Duration decisionWait = Duration.ofSeconds(2);
        Duration traceTimeout = Duration.ofSeconds(30);
        int maxSpansPerTrace = 10_000;
        int maxLiveTraces = 100_000;
        long maxBufferBytes = 64L * 1024 * 1024;
        int keptCacheTraces = 10_000;
        int droppedFilterTraces = 100_000;

        SamplingConfig build() {
            return new SamplingConfig(null, Duration.ofSeconds(5), decisionWait, traceTimeout, maxSpansPerTrace,
                    maxLiveTraces, maxBufferBytes, keptCacheTraces, droppedFilterTraces, List.of(), null);
        }
    }

    static Settings settings() {
        return new Settings();
    }

    // ---- spans and batches ---------------------------------------------------------------------------------

    static String trace(long n) {
        return String.format("%016x%016x", 0x5eed0000L + n, n * 0x9E3779B97F4A7C15L);
    }

    static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    static String spanId(long n) {
        return String.format("%016x", n);
    }

    /** The trace's local root: no parent, kind SERVER. */
    static Span root(String trace, long span) {
        return span(trace, span, null, Span.SpanKind.SPAN_KIND_SERVER, "root-" + span);
    }

    /** A span with a parent in this process (INTERNAL). */
    static Span child(String trace, long span, long parent) {
        return span(trace, span, parent, Span.SpanKind.SPAN_KIND_INTERNAL, "child-" + span);
    }

    static Span span(String trace, long span, Long parent, Span.SpanKind kind, String name) {
        Span.Builder b = Span.newBuilder().setTraceId(id(trace)).setSpanId(id(spanId(span))).setKind(kind)
                .setName(name).setStartTimeUnixNano(1_700_000_000_000_000_000L)
                .setEndTimeUnixNano(1_700_000_000_100_000_000L);
        if (parent != null) {
            b.setParentSpanId(id(spanId(parent)));
        }
        return b.build();
    }

    static Span withAttribute(Span span, String key, AnyValue value) {
        return span.toBuilder().addAttributes(KeyValue.newBuilder().setKey(key).setValue(value)).build();
    }

    static Resource resource(String service, KeyValue... extra) {
        Resource.Builder b = Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue(service)));
        for (KeyValue kv : extra) {
            b.addAttributes(kv);
        }
        return b.build();
    }

    static TraceBatch batch(Span... spans) {
        return batch(CLIENT, resource("svc"), spans);
    }

    static TraceBatch batch(ClientContext client, Span... spans) {
        return batch(client, resource("svc"), spans);
    }

    static TraceBatch batch(ClientContext client, Resource resource, Span... spans) {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
                        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
                .build();
        return new TraceBatch(request, spans.length, request.getSerializedSize(), client, System.nanoTime());
    }

    // ---- samplers ------------------------------------------------------------------------------------------

    static Sampler keepAll() {
        return trace -> Decision.keep(1, "all", "keep_all");
    }

    static Sampler keepWeighted(long weight, String rule) {
        return trace -> Decision.keep(weight, rule, "fixed_rate");
    }

    static Sampler dropAll() {
        return trace -> Decision.drop("none", "fixed_rate");
    }

    static Sampler keepWhen(Predicate<TraceView> predicate) {
        return trace -> predicate.test(trace) ? Decision.keep(1, "when", "condition") : Decision.drop("when", "condition");
    }

    static boolean hasSpanNamed(TraceView trace, String name) {
        return trace.spans().stream().anyMatch(s -> s.span().getName().equals(name));
    }

    /** Remembers what it was asked: the span names of each trace it decided, by trace id (hex). */
    static final class RecordingSampler implements Sampler {
        final Map<String, List<String>> seen = new ConcurrentHashMap<>();
        final Map<String, SpanRef> roots = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        private final Sampler delegate;

        RecordingSampler(Sampler delegate) {
            this.delegate = delegate;
        }

        @Override
        public Decision decide(TraceView trace) {
            calls.incrementAndGet();
            String id = HexFormat.of().formatHex(trace.traceId().toByteArray());
            seen.put(id, trace.spans().stream().map(s -> s.span().getName()).collect(Collectors.toList()));
            if (trace.root() != null) {
                roots.put(id, trace.root());
            }
            return delegate.decide(trace);
        }
    }

    // ---- routes --------------------------------------------------------------------------------------------

    /** One span as a route received it. */
    record Received(ClientContext client, Resource resource, Span span) {
        String traceHex() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        long attributeInt(String key) {
            return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                    .orElseThrow(() -> new AssertionError("no attribute " + key + " on " + span.getName()))
                    .getValue().getIntValue();
        }
    }

    /** A route's consumer that keeps every batch it takes and can be told to push back. */
    static final class Capture implements BatchConsumer {
        final List<TraceBatch> batches = new CopyOnWriteArrayList<>();
        final AtomicBoolean refusing = new AtomicBoolean();
        final AtomicInteger offers = new AtomicInteger();

        @Override
        public Acceptance accept(Batch batch) {
            offers.incrementAndGet();
            if (refusing.get()) {
                return Acceptance.RETRY_LATER;
            }
            batches.add((TraceBatch) batch);
            return Acceptance.ACCEPTED;
        }

        List<Received> spans() {
            List<Received> out = new ArrayList<>();
            for (TraceBatch b : batches) {
                for (ResourceSpans rs : b.request().getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (Span s : ss.getSpansList()) {
                            out.add(new Received(b.client(), rs.getResource(), s));
                        }
                    }
                }
            }
            return out;
        }

        List<String> spanNames() {
            return spans().stream().map(r -> r.span().getName()).collect(Collectors.toList());
        }

        List<String> spanNamesOf(String trace) {
            return spans().stream().filter(r -> r.traceHex().equals(trace)).map(r -> r.span().getName())
                    .collect(Collectors.toList());
        }
    }

    /** A route's consumer that only counts, for tests with many spans. */
    static final class Counting implements BatchConsumer {
        final AtomicLong spans = new AtomicLong();

        @Override
        public Acceptance accept(Batch batch) {
            spans.addAndGet(batch.spanCount());
            return Acceptance.ACCEPTED;
        }
    }

    static BatchConsumer noPassthrough() {
        return batch -> {
            throw new AssertionError("no pass-through batch expected");
        };
    }

    // ---- accounting ----------------------------------------------------------------------------------------

    /** The stage's conservation identity, for every route. */
    static void assertEverySpanAccountedFor(SamplingStage stage) {
        SamplingStage.Stats stats = stage.stats();
        for (SamplingStage.RouteStats r : stats.routes()) {
            assertThat(r.forwardedSpans() + r.sampledOutSpans() + stats.bufferedSpans() + r.outboxSpans()
                    + r.droppedSpans())
                    .as("route %s: forwarded + sampled out + buffered + outbox + dropped = accepted (%s)", r.name(),
                            stats)
                    .isEqualTo(stats.acceptedSpans());
        }
    }
}
