package dev.otlprelay.export.xray;

import dev.otlprelay.bench.FlaskTraces;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * X-Ray's work per span, as {@link XrayExporter#export} does it for a 512-span Flask request with the default
 * configuration (no indexed attributes): {@link SegmentTranslator} alone, and translation plus
 * {@link DatagramEncoder} (header line and JSON, sized to fit a datagram). Sending is not included. Results are
 * nanoseconds per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class XrayTranslateBenchmark {
    static final int SPANS = 512;

    private ExportTraceServiceRequest request;
    private final SegmentTranslator translator = new SegmentTranslator(new Annotations(List.of(), false, false));
    private final DatagramEncoder encoder = new DatagramEncoder(DatagramEncoder.MAX_DATAGRAM_BYTES);

    @Setup
    public void setUp() {
        request = FlaskTraces.requests(new FlaskTraces.Shape(600, SPANS, 0.01, 32, 1),
                System.currentTimeMillis() * 1_000_000L).get(0);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void translate(Blackhole bh) {
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceView resource = ResourceView.of(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    bh.consume(translator.translate(span, resource));
                }
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void translateAndEncode(Blackhole bh) {
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceView resource = ResourceView.of(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    bh.consume(encoder.encode(translator.translate(span, resource)));
                    bh.consume(encoder.datagram().remaining());
                }
            }
        }
    }
}
