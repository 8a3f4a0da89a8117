package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.flask;
import static dev.otlprelay.export.xray.XraySpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import dev.otlprelay.transport.SocketTransport;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
            XrayExporter exporter = new XrayExporter(XraySpans.daemonAt(daemon.getLocalPort(), 0), metrics,
                    SocketTransport.best());
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
            XrayExporter exporter = new XrayExporter(XraySpans.daemonAt(closedPort, 0), metrics,
                    SocketTransport.best());
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

    /** Both transports the emitter may run on: epoll where it loads (Linux x86-64), and NIO, which runs everywhere. */
    static Stream<SocketTransport> transports() {
        return SocketTransport.best().name().equals("epoll") ? Stream.of(SocketTransport.best(), SocketTransport.nio())
                : Stream.of(SocketTransport.nio());
    }

    @Test
    void epollLoadsOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the jar carries epoll's native library for x86-64 Linux only");
        assertThat(SocketTransport.best().name()).as(SocketTransport.best().describe()).isEqualTo("epoll");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void sendsBurstsWithOneFlushAndEveryDatagramArrivesWhole(SocketTransport transport) throws IOException {
        try (DatagramSocket daemon = daemon();
             UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", daemon.getLocalPort()), Pacer.perSecond(0),
                     System::nanoTime, transport)) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                byte[] payload = ("{\"format\": \"json\", \"version\": 1}\n{\"n\":" + i + "}")
                        .getBytes(StandardCharsets.US_ASCII);
                sent.add(payload);
                emitter.send(ByteBuffer.wrap(payload));
            }
            assertThat(emitter.flush().isEmpty()).as("no failures").isTrue();
            for (byte[] expected : sent) {
                assertThat(receive(daemon)).isEqualTo(expected);
            }
            assertThat(emitter.transport().name()).isEqualTo(transport.name());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void logsWhenSendingFailsAndWhenItWorksAgainNotPerDatagram(SocketTransport transport) throws IOException {
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
        try (UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", port), Pacer.perSecond(0),
                System::nanoTime, transport)) {
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
                    emitter.flush();
                }
            }
            assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.INFO);
            assertThat(records.get(1).getMessage()).contains("again");
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void largeDatagramsGoInSmallerBurstsSoThatTheDaemonsSocketBufferIsNotOverrun() throws IOException {
        long[] now = {0};
        int[] sleeps = {0};
        Pacer pacer = new Pacer(20_000, () -> now[0], nanos -> {
            sleeps[0]++;
            now[0] += nanos;
        });
        byte[] payload = new byte[8_000];
        // 2 x 8,000 + 2,000 + 512 = 18,512 bytes of the daemon's buffer each: 7 fit in one burst, then a wait.
        assertThat(UdpEmitter.receiveBufferCharge(payload.length)).isEqualTo(18_512);
        try (DatagramSocket daemon = daemon();
             UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", daemon.getLocalPort()), pacer,
                     () -> now[0], SocketTransport.best())) {
            for (int i = 0; i < 20; i++) {
                emitter.send(ByteBuffer.wrap(payload));
            }
            assertThat(emitter.flush().isEmpty()).isTrue();
            assertThat(sleeps[0]).as("a wait after each burst of 7: 7, 7, 6").isEqualTo(2);
            for (int i = 0; i < 20; i++) {
                assertThat(receive(daemon)).hasSize(8_000);
            }
        }
    }

    /**
     * The charge estimate is from above on this kernel: as many datagrams as it says fit in a socket with Linux's
     * default buffer do arrive when nothing reads until they are all sent.
     */
    @Test
    void theReceiveBufferChargeIsNeverUnderestimated() throws IOException {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "measured on Linux");
        for (int size : new int[] {100, 300, 900, 1_500, 2_500, 4_000, 8_000, 16_000, 32_000, 63_000}) {
            try (DatagramChannel receiver = DatagramChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 DatagramChannel sender = DatagramChannel.open()) {
                // Java reports half of what Linux allots (the kernel doubles SO_RCVBUF for its own bookkeeping).
                long buffer = 2L * receiver.getOption(java.net.StandardSocketOptions.SO_RCVBUF);
                sender.connect(receiver.getLocalAddress());
                long promised = buffer / UdpEmitter.receiveBufferCharge(size);
                for (int i = 0; i < promised; i++) {
                    sender.write(ByteBuffer.allocate(size));
                }
                receiver.configureBlocking(false);
                int arrived = 0;
                ByteBuffer into = ByteBuffer.allocate(65_536);
                while (receiver.receive(into) != null) {
                    arrived++;
                    into.clear();
                }
                assertThat(arrived).as("datagrams of %s bytes", size).isEqualTo(promised);
            }
        }
    }

    @Test
    void pacingSpacesDatagramsOnTheInjectedClock() throws IOException {
        long[] now = {0};
        Pacer pacer = new Pacer(100, () -> now[0], nanos -> now[0] += nanos);
        try (DatagramSocket daemon = daemon();
             UdpEmitter emitter = new UdpEmitter(new HostPort("127.0.0.1", daemon.getLocalPort()), pacer,
                     () -> now[0], SocketTransport.best())) {
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
