package dev.otlprelay;

import dev.otlprelay.bench.FlaskTraces;
import dev.otlprelay.bench.RequestPool;
import dev.otlprelay.bench.SinkCommand;
import dev.otlprelay.cli.Commands;
import dev.otlprelay.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The whole relay in this process, built by {@code new Relay(config)} as {@code run} builds it, with both exports
 * on (Honeycomb to an in-process sink that decodes every batch, X-Ray to its UDP counter): the time from posting a
 * 512-span request over loopback HTTP until the relay acknowledges it, per span. The exports run on the relay's
 * own threads meanwhile and compete for the same cores, as they do in production; trace ids are fresh in every
 * request. Results are nanoseconds per span, including the client's share of the HTTP exchange.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
@Warmup(iterations = 5, time = 4)
@Measurement(iterations = 5, time = 3)
public class RelayEndToEndBenchmark {
    static final int SPANS = 512;
    private static final Pattern LISTENING = Pattern.compile("listening (\\S+) (\\S+)");

    private final Commands.Latch sinkStop = new Commands.Latch();
    private Thread sinkThread;
    private Relay relay;
    private HttpClient client;
    private URI traces;
    private RequestPool pool;
    private long sequence;

    @Setup
    public void setUp() throws Exception {
        // The sink as bench/run starts it, on free ports; its first lines name them.
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(lines, true, StandardCharsets.UTF_8);
        sinkThread = new Thread(() -> SinkCommand.run(new String[] {"--honeycomb", "127.0.0.1:0", "--xray",
            "127.0.0.1:0", "--print-every", "1h"}, out, new PrintStream(OutputStream.nullOutputStream()),
                sinkStop::await), "bench-sink");
        sinkThread.setDaemon(true);
        sinkThread.start();
        Map<String, String> bound = new java.util.HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bound.size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sink did not start: " + lines);
            }
            Thread.sleep(20);
            Matcher m = LISTENING.matcher(lines.toString(StandardCharsets.UTF_8));
            while (m.find()) {
                bound.put(m.group(1), m.group(2));
            }
        }
        Path empty = Files.createTempDirectory("relay-bench");
        relay = new Relay(ConfigLoader.load(null, Map.of(
                "HONEYCOMB_API_KEY", "bench-key",
                "HONEYCOMB_API_ENDPOINT", "http://" + bound.get("honeycomb"),
                "AWS_XRAY_DAEMON_ADDRESS", bound.get("xray"),
                "RELAY_HTTP_ADDRESS", "127.0.0.1:0",
                "RELAY_GRPC_ADDRESS", "127.0.0.1:0",
                "RELAY_ADMIN_ADDRESS", "127.0.0.1:0"), empty));
        relay.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        traces = URI.create("http://127.0.0.1:" + relay.httpPort() + "/v1/traces");
        pool = RequestPool.of(FlaskTraces.requests(new FlaskTraces.Shape(4096, SPANS, 0.01, 32, 1),
                System.currentTimeMillis() * 1_000_000L), RequestPool.Encoding.PROTOBUF);
    }

    @TearDown
    public void tearDown() {
        relay.stop();
        sinkStop.release();
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public int postAndAck() throws Exception {
        // Only full requests, so that every invocation carries SPANS spans.
        long seq;
        do {
            seq = sequence++;
        } while (pool.spans(seq) != SPANS);
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(traces).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pool.body(seq))).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the relay answered " + response.statusCode());
        }
        return response.statusCode();
    }
}
