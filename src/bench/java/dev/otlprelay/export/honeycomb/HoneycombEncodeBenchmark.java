package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import dev.otlprelay.bench.FlaskTraces;
import dev.otlprelay.config.Secret;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.ArrayList;
import java.util.Collections;
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

/**
 * Honeycomb's encoding per span: a full batch (the default {@code batch_max_spans}, 8192 spans, gathered from 16
 * requests of 512 as the destination appends them) made into one {@code ExportTraceServiceRequest} body, with and
 * without gzip — what {@link Outbound#body} does once per batch — from the ResourceSpans bytes as received; and
 * {@link #encodeDecoded}, the extra cost for spans the destination must encode itself (JSON requests, batches
 * rebuilt by sampling). Results are nanoseconds per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HoneycombEncodeBenchmark {
    static final int SPANS = 8192;

    private final Tenant tenant = new Tenant(Secret.of("bench-key"), null);
    private List<ResourceSpans> decoded;
    private List<ByteString> batch;
    /** No spool: one null reference per ResourceSpans, as the destination passes them. */
    private List<SpoolRef> refs;
    private long bytes;

    @Setup
    public void setUp() {
        List<ExportTraceServiceRequest> requests = FlaskTraces.requests(new FlaskTraces.Shape(4000, 512, 0.01, 32, 1),
                System.currentTimeMillis() * 1_000_000L);
        decoded = new ArrayList<>();
        batch = new ArrayList<>();
        for (int i = 0; i < SPANS / 512; i++) {
            decoded.addAll(requests.get(i).getResourceSpansList());
        }
        for (ResourceSpans rs : decoded) {
            batch.add(rs.toByteString());
        }
        bytes = Outbound.size(batch);
        refs = new ArrayList<>(Collections.nCopies(batch.size(), null));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public byte[] serializeAndGzip() {
        return Outbound.traces(tenant, batch, refs, SPANS, bytes, 0).body(true);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public byte[] serializeOnly() {
        return Outbound.traces(tenant, batch, refs, SPANS, bytes, 0).body(false);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public List<ByteString> encodeDecoded() {
        List<ByteString> out = new ArrayList<>(decoded.size());
        for (ResourceSpans rs : decoded) {
            out.add(rs.toByteString());
        }
        return out;
    }
}
