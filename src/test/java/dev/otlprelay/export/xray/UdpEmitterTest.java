package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.otlprelay.config.HostPort;
import dev.otlprelay.support.TestRelay;
import dev.otlprelay.telemetry.RelayMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The emitter against real sockets on loopback. */
class UdpEmitterTest {

    static DatagramSocket daemon() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(4 << 20);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static Span[] spans(int count) {
        Span[] spans = new Span[count];
        for (int i = 0; i < count; i++) {
            spans[i] = span("work-" + i, SpanKind.SPAN_KIND_INTERNAL, String.format("%016x", i + 1L), ROOT).build();
        }
        return spans;
    }

    @Test
    void eachDatagramIsTheHeaderLineThenOneValidDocument() throws IOException {
        try (DatagramSocket daemon = daemon(); RelayMetrics metrics = new RelayMetrics()) {
            XrayExporter exporter = new XrayExporter(XraySpans.daemonAt(daemon.getLocalPort(), 0), metrics);
            exporter.export(XraySpans.batch(flask(), spans(20)));

            long bytes = 0;
            for (int i = 0; i < 20; i++) {
                byte[] datagram = receive(daemon);
                assertThat(new String(datagram, StandardCharsets.UTF_8)).startsWith(XrayDocumentRules.HEADER);
                assertThat(XrayDocumentRules.valid(datagram).get("name").asText()).startsWith("work-");
                bytes += datagram.length;
            }
            String scrape = metrics.scrape();
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_datagrams_total", "result", "sent"))
                    .isEqualTo(20);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_xray_bytes_total")).isEqualTo(bytes);
            exporter.close();
        }
    }

    @Test
    void keepsGoingAndCountsFailuresWhenNothingListens() throws IOException {
        int closedPort;
        try (DatagramSocket s = daemon()) {
            closedPort = s.getLocalPort();
        }
        try (RelayMetrics metrics = new RelayMetrics()) {
            XrayExporter exporter = new XrayExporter(XraySpans.daemonAt(closedPort, 0), metrics);
            for (int batch = 0; batch < 3; batch++) {
                assertThatCode(() -> exporter.export(XraySpans.batch(flask(), spans(10)))).doesNotThrowAnyException();
            }
            exporter.close();

            String scrape = metrics.scrape();
            double sent = TestRelay.Scrape.value(scrape, "otlp_relay_xray_datagrams_total", "result", "sent");
            double failed = TestRelay.Scrape.value(scrape, "otlp_relay_xray_datagrams_total", "result", "failed");
            // Linux reports the ICMP "port unreachable" of one datagram on the next send: about half fail visibly.
            assertThat(failed).isPositive();
            assertThat(sent + failed).isEqualTo(30);
            assertThat(TestRelay.Scrape.value(scrape, "otlp_relay_dropped_spans_total", "exporter", "xray",
                    "reason", "send_failed")).isEqualTo(failed);
        }
    }

    @Test
    void logsWhenSendingFailsAndWhenItWorksAgainNotPerDatagram() throws IOException {
        int port;
        try (DatagramSocket s = daemon()) {
            port = s.getLocalPort();
        }
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(UdpEmitter.class.getName());
        logger.addHandler(capture);
        byte[] payload = "{\"format\": \"json\", \"version\": 1}\n{}".getBytes(StandardCharsets.US_ASCII);
        try (UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", port), Pacer.perSecond(0))) {
            int failed = 0;
            for (int i = 0; i < 40; i++) {
                emitter.send(ByteBuffer.wrap(payload));
                failed += emitter.flush().cardinality();
            }
            assertThat(failed).as("failures seen while nothing listens").isGreaterThan(1);
            assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING);

            try (DatagramSocket daemon = new DatagramSocket(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                for (int i = 0; i < 2 * UdpEmitter.RECOVERED_AFTER + 1; i++) {
                    emitter.send(ByteBuffer.wrap(payload));
                }
            }
            assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.INFO);
            assertThat(records.get(1).getMessage()).contains("again");
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void pacingSpacesDatagramsOnTheInjectedClock() throws IOException {
        long[] now = {0};
        Pacer pacer = new Pacer(100, () -> now[0], nanos -> now[0] += nanos);
        try (DatagramSocket daemon = daemon();
             UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", daemon.getLocalPort()), pacer,
                     () -> now[0])) {
            byte[] payload = "{\"format\": \"json\", \"version\": 1}\n{}".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                emitter.send(ByteBuffer.wrap(payload));
                assertThat(emitter.flush().isEmpty()).isTrue();
            }
            // 100/s allows a burst of one, then one datagram every 10 ms: 49 intervals for 50 datagrams.
            assertThat(now[0]).isEqualTo(49 * 10_000_000L);
            for (int i = 0; i < 50; i++) {
                assertThat(receive(daemon)).isEqualTo(payload);
            }
        }
    }
}
