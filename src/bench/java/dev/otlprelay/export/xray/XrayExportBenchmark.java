package dev.otlprelay.export.xray;

import dev.otlprelay.config.DebugExporterConfig;
import dev.otlprelay.config.HostPort;
import dev.otlprelay.config.XrayConfig;
import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link XrayExporter#export} of one 512-span Flask request as the load generator sends it (32 traces in progress
 * at once, so some traces are split between requests), decoded anew before each invocation: {@code documents}
 * {@code per_span} (the baseline, one datagram per span) against {@code nested}; {@code sender} {@code none} (the
 * datagrams are dropped: translation, placement and encoding only) or {@code udp} ({@link UdpEmitter} to a socket on
 * the loopback interface that never reads, on the transport that loads here). Nanoseconds per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class XrayExportBenchmark {
    @Param({"per_span", "nested"})
    public String documents;

    @Param({"none", "udp"})
    public String sender;

    private byte[] bytes;
    private ExportTraceServiceRequest request;
    private RelayMetrics metrics;
    private XrayExporter exporter;
    private DatagramChannel daemon;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        bytes = XrayTranslateBenchmark.flaskRequest().toByteArray();
        metrics = new RelayMetrics();
        XrayConfig.Documents mode = documents.equals("nested") ? XrayConfig.Documents.NESTED
                : XrayConfig.Documents.PER_SPAN;
        DatagramSender out;
        HostPort address = new HostPort("127.0.0.1", 2000);
        if (sender.equals("udp")) {
            daemon = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            address = new HostPort("127.0.0.1", ((InetSocketAddress) daemon.getLocalAddress()).getPort());
            out = new UdpEmitter(address, Pacer.perSecond(0), System::nanoTime, SocketTransport.best());
        } else {
            out = new Discarding();
        }
        XrayConfig config = new XrayConfig(DebugExporterConfig.Mode.ON, address, true, List.of(), false, false, 0,
                64L << 20, mode, XrayConfig.DEFAULT_MAX_SUBSEGMENTS);
        exporter = new XrayExporter(config, metrics, out, DatagramEncoder.MAX_DATAGRAM_BYTES);
    }

    @Setup(Level.Invocation)
    public void decode() throws IOException {
        request = ExportTraceServiceRequest.parseFrom(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        exporter.close();
        metrics.close();
        if (daemon != null) {
            daemon.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(XrayTranslateBenchmark.SPANS)
    public int export() {
        return exporter.export(new TraceBatch(request, XrayTranslateBenchmark.SPANS, bytes.length,
                new ClientContext("http", null, null), 0));
    }

    /** Takes every datagram and sends none. */
    private static final class Discarding implements DatagramSender {
        private int taken;

        @Override
        public void send(ByteBuffer datagram) {
            taken += datagram.remaining();
        }

        @Override
        public BitSet flush() {
            return new BitSet();
        }

        @Override
        public void close() {
        }
    }
}
