package dev.otlprelay.export.xray;

import dev.otlprelay.bench.FlaskTraces;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.transport.SocketTransport;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * X-Ray's work per span, as {@link XrayExporter#export} does it for a 512-span Flask request with the default
 * configuration (no indexed attributes): {@link SegmentTranslator} alone; translation plus {@link DatagramEncoder}
 * (header line and JSON, sized to fit a datagram); the same on a request decoded anew before each invocation; and
 * all of that plus the {@link UdpEmitter} send to a socket on the loopback interface. Results are nanoseconds per
 * span.
 *
 * <p>The first two reuse one decoded request, whose attribute keys keep their hash codes from one invocation to
 * the next; the relay decodes every request anew, so {@code translateAndEncodeFreshlyDecoded} is the closer
 * measure of what the export thread does (decoding itself is {@code ReceiveBenchmark.parseProtobuf}).
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
        request = flaskRequest();
    }

    static ExportTraceServiceRequest flaskRequest() {
        return FlaskTraces.requests(new FlaskTraces.Shape(600, SPANS, 0.01, 32, 1),
                System.currentTimeMillis() * 1_000_000L).get(0);
    }

    /** The Flask request decoded from its bytes before each invocation, as the receiver hands one over. */
    @State(Scope.Thread)
    public static class FreshlyDecoded {
        private byte[] bytes;
        ExportTraceServiceRequest request;

        @Setup(Level.Trial)
        public void serialize() {
            bytes = flaskRequest().toByteArray();
        }

        @Setup(Level.Invocation)
        public void decode() throws IOException {
            request = ExportTraceServiceRequest.parseFrom(bytes);
        }
    }

    /** A daemon on the loopback interface that never reads: the kernel drops what its buffer cannot hold. */
    @State(Scope.Thread)
    public static class Daemon {
        private DatagramChannel socket;
        UdpEmitter emitter;

        @Setup(Level.Trial)
        public void open() throws IOException {
            socket = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            emitter = new UdpEmitter(new HostPort(InetAddress.getLoopbackAddress().getHostAddress(), port),
                    Pacer.perSecond(0), System::nanoTime, SocketTransport.best());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            emitter.close();
            socket.close();
        }
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
        translateAndEncode(request, bh);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void translateAndEncodeFreshlyDecoded(FreshlyDecoded fresh, Blackhole bh) {
        translateAndEncode(fresh.request, bh);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void translateEncodeAndSend(Daemon daemon, Blackhole bh) {
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ResourceView resource = ResourceView.of(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    bh.consume(encoder.encode(translator.translate(span, resource)));
                    daemon.emitter.send(encoder.datagram());
                }
            }
        }
        bh.consume(daemon.emitter.flush());
    }

    private void translateAndEncode(ExportTraceServiceRequest request, Blackhole bh) {
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
