package dev.otlprelay.receive;

import dev.otlprelay.bench.FlaskTraces;
import dev.otlprelay.pipeline.Acceptance;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receive stage per span, for one 512-span Flask request: protobuf parsing alone (the floor), and
 * {@link Ingest#traces} as both receivers call it (parse, id validation, metrics, hand-on to a consumer that takes
 * everything at once), for protobuf and JSON bodies. Results are nanoseconds per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReceiveBenchmark {
    static final int SPANS = 512;

    private byte[] protobuf;
    private byte[] json;
    private RelayMetrics metrics;
    private Ingest ingest;
    private final ClientContext client = new ClientContext("http", null, null);

    @Setup
    public void setUp() {
        // 600 traces are more than 512 spans; the first request is full.
        ExportTraceServiceRequest request = FlaskTraces.requests(new FlaskTraces.Shape(600, SPANS, 0.01, 32, 1),
                System.currentTimeMillis() * 1_000_000L).get(0);
        protobuf = request.toByteArray();
        json = OtlpJson.write(request);
        metrics = new RelayMetrics();
        ingest = new Ingest(batch -> Acceptance.ACCEPTED, metrics, Duration.ofSeconds(1));
    }

    @TearDown
    public void tearDown() {
        metrics.close();
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public ExportTraceServiceRequest parseProtobuf() throws Exception {
        return ExportTraceServiceRequest.parseFrom(protobuf);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public Object ingestProtobuf() {
        return ingest.traces(protobuf, 0, protobuf.length, Ingest.Encoding.PROTOBUF, client).join();
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public Object ingestJson() {
        return ingest.traces(json, 0, json.length, Ingest.Encoding.JSON, client).join();
    }
}
