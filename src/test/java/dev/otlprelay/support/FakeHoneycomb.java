package dev.otlprelay.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A fake Honeycomb OTLP/HTTP ingest endpoint: a real HTTP/1.1 server on {@code 127.0.0.1} with an ephemeral port,
 * which records what it receives and can be scripted to fail.
 *
 * <h2>What it mimics</h2>
 * <ul>
 *   <li>{@code POST /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}; other paths answer 404, other methods 405.</li>
 *   <li>{@code Content-Type: application/x-protobuf} (traces are decoded as {@link ExportTraceServiceRequest}) or
 *       {@code application/json} (kept as bytes, not decoded); anything else answers 415.</li>
 *   <li>{@code Content-Encoding: gzip} (or none / {@code identity}); other encodings answer 415, a corrupt gzip
 *       stream or undecodable protobuf answers 400.</li>
 *   <li>Auth: a missing {@code x-honeycomb-team} or a key outside {@link #acceptKeys(String...)} answers 401
 *       {@code {"error":"unknown API key - check your credentials"}}. A Classic key (32 lowercase hex characters, or 64
 *       characters starting {@code hcaic_}/{@code hcxic_}) without {@code x-honeycomb-dataset} answers 400.</li>
 *   <li>An uncompressed body over {@link #limitBytes(int)} (default 5,000,000) answers 413.</li>
 *   <li>Success is 200 with an {@code Export*ServiceResponse} protobuf body (possibly carrying
 *       {@code partial_success}); for JSON requests the body is the JSON form ({@code {}} or a
 *       {@code partialSuccess} object).</li>
 *   <li>Failure injection through {@link Behaviour}: any status, 429 with or without {@code Retry-After} (seconds
 *       or HTTP-date), partial success, a request that never answers, a timed outage, and
 *       {@link #split413Above(int)} for batch-splitting tests.</li>
 * </ul>
 *
 * <h2>What it does not mimic</h2>
 * <ul>
 *   <li>TLS, HTTP/2, gRPC, zstd, the real size limits and rate limits, or the exact error bodies of every status
 *       (errors are small JSON objects {@code {"error":"..."}} whatever the request's content type).</li>
 *   <li>Validation of span contents (ids, timestamps), datasets/environments, or key permissions beyond the set
 *       of accepted keys; JSON payloads are never decoded so their spans are not counted.</li>
 *   <li>Which spans a partial success rejected: all spans of such a request are recorded as delivered and the
 *       reported total is available through {@link #rejectedReported()}.</li>
 * </ul>
 *
 * <h2>Order of checks</h2>
 * Every request counts in {@link #attempts()} on arrival and is recorded in {@link #requests()} once answered.
 * Path/method, auth, dataset, content type, decoding, the byte limit and the {@link #split413Above(int)} limit are
 * checked first; only requests that pass them consume a scripted answer ({@link #thenAnswer(Behaviour, int)}),
 * and when the script is empty the default ({@link #answer(Behaviour)}, initially {@link Behaviour#ok()}) applies.
 * Only requests answered 200 are "delivered": their spans appear in {@link #spans()}. Spans are recorded before
 * the answer is written, so a client that has seen the 200 can assert on them at once.
 *
 * <p>All methods are thread-safe.
 */
public final class FakeHoneycomb implements AutoCloseable {

    /** Default limit on the uncompressed body, in bytes. */
    public static final int DEFAULT_LIMIT_BYTES = 5_000_000;

    static final String UNKNOWN_KEY = "{\"error\":\"unknown API key - check your credentials\"}";
    static final String MISSING_DATASET =
            "{\"error\":\"missing 'x-honeycomb-dataset' header: Classic API keys require a dataset\"}";

    private static final Pattern CLASSIC_HEX = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern CLASSIC_INGEST = Pattern.compile("hc[ax]ic_.{58}");
    /** IMF-fixdate (RFC 9110 section 5.6.7), the preferred HTTP-date form: always two-digit day, always GMT. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    /** Upper bound on bytes inflated just to report the size of an oversized body. */
    private static final long MAX_COUNTED_BYTES = 1L << 30;

    /** How the fake answers a request that passed its checks. Create them with the static factories. */
    public sealed interface Behaviour {

        /** 200 with an empty success response; spans are delivered. */
        static Behaviour ok() {
            return Ok.INSTANCE;
        }

        /** The given status with a small JSON error body ({@code status(200)} is {@link #ok()}). */
        static Behaviour status(int code) {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("not an HTTP status: " + code);
            }
            return code == 200 ? ok() : new Status(code, null);
        }

        /** 429 without {@code Retry-After}. */
        static Behaviour tooManyRequests() {
            return new Status(429, null);
        }

        /** 429 with {@code Retry-After: <seconds>}, the duration rounded up to whole seconds. */
        static Behaviour tooManyRequests(Duration retryAfter) {
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("negative Retry-After: " + retryAfter);
            }
            long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            return new Status(429, Long.toString(seconds));
        }

        /** 429 with {@code Retry-After} as an HTTP-date (IMF-fixdate, GMT, second precision). */
        static Behaviour tooManyRequestsUntil(ZonedDateTime until) {
            return new Status(429, httpDate(until));
        }

        /** 200 whose response carries {@code partial_success} with these values; all spans are recorded. */
        static Behaviour partialSuccess(long rejected, String message) {
            return new PartialSuccess(rejected, Objects.requireNonNull(message, "message"));
        }

        /** Never answers, until {@link FakeHoneycomb#releaseHangs()} or {@link FakeHoneycomb#close()}. */
        static Behaviour hang() {
            return Hang.INSTANCE;
        }

        /**
         * Every request answers 503 until {@code duration} has elapsed since the first request this behaviour
         * answered; then it is used up and the next scripted answer (or the default; {@link #ok()} if the outage
         * was the default) applies. As a scripted answer its {@code times} is ignored.
         */
        static Behaviour outageFor(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("negative outage: " + duration);
            }
            return new Outage(duration);
        }

        /** 200, delivered. */
        enum Ok implements Behaviour {
            INSTANCE
        }

        /** A non-200 status, optionally with a {@code Retry-After} header value. */
        record Status(int code, String retryAfter) implements Behaviour {
        }

        /** 200 with {@code partial_success}. */
        record PartialSuccess(long rejected, String message) implements Behaviour {
        }

        /** No answer until released. */
        enum Hang implements Behaviour {
            INSTANCE
        }

        /** 503 for a while. */
        record Outage(Duration duration) implements Behaviour {
        }
    }

    /**
     * One request as received and answered.
     *
     * @param path            request path, e.g. {@code /v1/traces}
     * @param team            {@code x-honeycomb-team}, or null
     * @param dataset         {@code x-honeycomb-dataset}, or null
     * @param contentType     {@code Content-Type} as sent, or null
     * @param contentEncoding {@code Content-Encoding} as sent, or null
     * @param wireBytes       body bytes on the wire (compressed if gzip)
     * @param rawBytes        uncompressed body bytes; -1 if they could not be determined (corrupt gzip, or
     *                        beyond 1 GiB)
     * @param traces          the decoded request; null for metrics, logs, JSON, or bodies that were not decoded
     * @param raw             the uncompressed body; null if it was over the limit or could not be inflated
     * @param status          the HTTP status the fake answered
     */
    public record Received(String path, String team, String dataset, String contentType, String contentEncoding,
                           int wireBytes, int rawBytes, ExportTraceServiceRequest traces, byte[] raw, int status) {

        /** Number of spans in {@link #traces()}, 0 if there are none. */
        public int spanCount() {
            return traces == null ? 0 : FakeHoneycomb.countSpans(traces);
        }
    }

    /** A request whose answer has been decided to be {@link Behaviour#hang()}. */
    private record Held(HttpExchange exchange, Incoming in) {
    }

    /** What the checks made of a request. */
    private record Incoming(String path, String team, String dataset, String contentType, String contentEncoding,
                            boolean json, int wireBytes, int rawBytes, ExportTraceServiceRequest traces,
                            byte[] raw) {

        Received answered(int status) {
            return new Received(path, team, dataset, contentType, contentEncoding, wireBytes, rawBytes, traces, raw,
                    status);
        }
    }

    /** A response ready to be written. */
    private record Answer(int status, String contentType, byte[] body, String retryAfter) {
    }

    /** A scripted or default behaviour with its remaining uses and, for outages, when the outage began. */
    private static final class Entry {
        final Behaviour behaviour;
        int remaining;
        long outageStart;
        boolean started;

        Entry(Behaviour behaviour, int remaining) {
            this.behaviour = behaviour;
            this.remaining = remaining;
        }
    }

    private final Object lock = new Object();
    private final HttpServer server;
    private final ExecutorService executor;

    // All guarded by lock.
    private final Deque<Entry> script = new ArrayDeque<>();
    private Entry fallback = new Entry(Behaviour.ok(), Integer.MAX_VALUE);
    private final List<Received> requests = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private final Map<String, Integer> spanIdCounts = new LinkedHashMap<>();
    private final List<Held> held = new ArrayList<>();
    private Set<String> acceptedKeys; // null: any non-empty key
    private int limitBytes = DEFAULT_LIMIT_BYTES;
    private int maxSpansPerRequest = Integer.MAX_VALUE;
    private int attempts;
    private long rejectedReported;
    private boolean closed;

    private FakeHoneycomb() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "fake-honeycomb-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Hanging requests do not hold a thread (their exchange is parked), so a small pool is enough.
        executor = Executors.newFixedThreadPool(4, threads);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake on {@code 127.0.0.1} with an ephemeral port, accepting any non-empty key and answering 200. */
    public static FakeHoneycomb start() {
        try {
            return new FakeHoneycomb();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeHoneycomb", e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    // ---------------------------------------------------------------- configuration

    /** Accepts only these keys (others answer 401). Without a call, any non-empty key is accepted. */
    public FakeHoneycomb acceptKeys(String... keys) {
        synchronized (lock) {
            acceptedKeys = new LinkedHashSet<>(List.of(keys));
        }
        return this;
    }

    /** Sets the limit on the uncompressed body; larger bodies answer 413. */
    public FakeHoneycomb limitBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative limit: " + bytes);
        }
        synchronized (lock) {
            limitBytes = bytes;
        }
        return this;
    }

    /** Answers 413 to any traces request with more than {@code spans} spans (checked before the script). */
    public FakeHoneycomb split413Above(int spans) {
        if (spans < 0) {
            throw new IllegalArgumentException("negative span limit: " + spans);
        }
        synchronized (lock) {
            maxSpansPerRequest = spans;
        }
        return this;
    }

    /** Sets the default behaviour, used when the script is empty. */
    public FakeHoneycomb answer(Behaviour behaviour) {
        Objects.requireNonNull(behaviour, "behaviour");
        synchronized (lock) {
            fallback = new Entry(behaviour, Integer.MAX_VALUE);
        }
        return this;
    }

    /** Queues {@code behaviour} for the next {@code times} requests that pass the checks (after earlier ones). */
    public FakeHoneycomb thenAnswer(Behaviour behaviour, int times) {
        Objects.requireNonNull(behaviour, "behaviour");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        synchronized (lock) {
            script.addLast(new Entry(behaviour, times));
        }
        return this;
    }

    /** Queues {@code behaviour} for one request. */
    public FakeHoneycomb thenAnswer(Behaviour behaviour) {
        return thenAnswer(behaviour, 1);
    }

    /**
     * Back to the initial state: empty script, default {@link Behaviour#ok()}, any key, default limits, nothing
     * recorded, counters at zero. Hanging requests are released with 503 first.
     */
    public void reset() {
        releaseHangs(Behaviour.status(503));
        synchronized (lock) {
            script.clear();
            fallback = new Entry(Behaviour.ok(), Integer.MAX_VALUE);
            requests.clear();
            spans.clear();
            spanIdCounts.clear();
            acceptedKeys = null;
            limitBytes = DEFAULT_LIMIT_BYTES;
            maxSpansPerRequest = Integer.MAX_VALUE;
            attempts = 0;
            rejectedReported = 0;
            lock.notifyAll();
        }
    }

    /** Answers every hanging request with 504 (not delivered). Returns how many were released. */
    public int releaseHangs() {
        return releaseHangs(Behaviour.status(504));
    }

    /**
     * Answers every hanging request as {@code behaviour} would ({@link Behaviour#ok()} delivers their spans, as if
     * the server had only been slow). Returns how many were released.
     */
    public int releaseHangs(Behaviour behaviour) {
        if (behaviour instanceof Behaviour.Hang || behaviour instanceof Behaviour.Outage) {
            throw new IllegalArgumentException("hanging requests need a final answer, not " + behaviour);
        }
        List<Held> released;
        synchronized (lock) {
            released = new ArrayList<>(held);
            held.clear();
        }
        for (Held h : released) {
            Answer a;
            synchronized (lock) {
                a = decide(h.in, behaviour);
            }
            send(h.exchange, a);
        }
        return released.size();
    }

    // ---------------------------------------------------------------- observations

    /** Every answered request, in the order answered (refused ones included, see {@link Received#status()}). */
    public List<Received> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** All spans of requests answered 200 (delivered), in order. */
    public List<Span> spans() {
        synchronized (lock) {
            return List.copyOf(spans);
        }
    }

    /** Number of delivered spans. */
    public int spanCount() {
        synchronized (lock) {
            return spans.size();
        }
    }

    /** Hex span id to the number of times it was delivered; values above 1 are duplicates. */
    public Map<String, Integer> spanIdCounts() {
        synchronized (lock) {
            return new LinkedHashMap<>(spanIdCounts);
        }
    }

    /** Every request that arrived, refused, failed and still-hanging ones included. */
    public int attempts() {
        synchronized (lock) {
            return attempts;
        }
    }

    /** Number of requests currently hanging. */
    public int hanging() {
        synchronized (lock) {
            return held.size();
        }
    }

    /** Sum of {@code rejected} over all partial-success answers given. */
    public long rejectedReported() {
        synchronized (lock) {
            return rejectedReported;
        }
    }

    /**
     * Waits until at least {@code n} spans are delivered and returns them all.
     *
     * @throws AssertionError on timeout, describing what was received
     */
    public List<Span> awaitSpans(int n, Duration timeout) {
        synchronized (lock) {
            awaitLocked(() -> spans.size() >= n, timeout,
                    () -> "expected " + n + " delivered spans, got " + spans.size());
            return List.copyOf(spans);
        }
    }

    /**
     * Waits until at least {@code n} requests have arrived.
     *
     * @throws AssertionError on timeout, describing what was received
     */
    public void awaitAttempts(int n, Duration timeout) {
        synchronized (lock) {
            awaitLocked(() -> attempts >= n, timeout, () -> "expected " + n + " attempts, got " + attempts);
        }
    }

    private void awaitLocked(java.util.function.BooleanSupplier done, Duration timeout,
                             java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(why.get() + " within " + timeout + "; attempts=" + attempts
                        + ", statuses=" + requests.stream().map(Received::status).toList());
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
    }

    /** Formats an instant as an HTTP-date (IMF-fixdate). */
    public static String httpDate(ZonedDateTime time) {
        return HTTP_DATE.format(time.withZoneSameInstant(ZoneOffset.UTC));
    }

    /** Stops the server; hanging requests are answered 503 first. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        releaseHangs(Behaviour.status(503));
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- serving

    private void handle(HttpExchange ex) {
        try {
            byte[] wire = ex.getRequestBody().readAllBytes();
            Answer answer;
            synchronized (lock) {
                attempts++;
                lock.notifyAll();
            }
            String path = ex.getRequestURI().getPath();
            var h = ex.getRequestHeaders();
            String team = h.getFirst("x-honeycomb-team");
            String dataset = h.getFirst("x-honeycomb-dataset");
            String contentType = h.getFirst("Content-Type");
            String contentEncoding = h.getFirst("Content-Encoding");
            Incoming bare = new Incoming(path, team, dataset, contentType, contentEncoding, false, wire.length, -1,
                    null, null);

            if (!path.equals("/v1/traces") && !path.equals("/v1/metrics") && !path.equals("/v1/logs")) {
                refuse(ex, bare, 404, "{\"error\":\"not found\"}");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                refuse(ex, bare, 405, "{\"error\":\"method not allowed\"}");
                return;
            }
            if (!keyAccepted(team)) {
                refuse(ex, bare, 401, UNKNOWN_KEY);
                return;
            }
            if (isClassicKey(team) && (dataset == null || dataset.isBlank())) {
                refuse(ex, bare, 400, MISSING_DATASET);
                return;
            }
            String mediaType = contentType == null ? ""
                    : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            boolean json;
            if (mediaType.equals("application/x-protobuf") || mediaType.equals("application/protobuf")) {
                json = false;
            } else if (mediaType.equals("application/json")) {
                json = true;
            } else {
                refuse(ex, bare, 415, "{\"error\":\"unsupported content-type: " + contentType + "\"}");
                return;
            }
            String encoding = contentEncoding == null ? "identity"
                    : contentEncoding.trim().toLowerCase(Locale.ROOT);
            if (!encoding.equals("identity") && !encoding.equals("gzip") && !encoding.isEmpty()) {
                refuse(ex, bare, 415, "{\"error\":\"unsupported content-encoding: " + contentEncoding + "\"}");
                return;
            }
            int limit;
            int maxSpans;
            synchronized (lock) {
                limit = limitBytes;
                maxSpans = maxSpansPerRequest;
            }
            byte[] raw;
            int rawBytes;
            if (encoding.equals("gzip")) {
                Inflated inflated = gunzip(wire, limit);
                if (inflated == null) {
                    refuse(ex, bare, 400, "{\"error\":\"failed to decompress gzip body\"}");
                    return;
                }
                raw = inflated.bytes;
                rawBytes = inflated.size;
            } else {
                raw = wire.length > limit ? null : wire;
                rawBytes = wire.length;
            }
            if (raw == null) {
                refuse(ex, new Incoming(path, team, dataset, contentType, contentEncoding, json, wire.length,
                        rawBytes, null, null), 413, "{\"error\":\"request body is too large\"}");
                return;
            }
            ExportTraceServiceRequest traces = null;
            if (path.equals("/v1/traces") && !json) {
                try {
                    traces = ExportTraceServiceRequest.parseFrom(raw);
                } catch (InvalidProtocolBufferException e) {
                    refuse(ex, new Incoming(path, team, dataset, contentType, contentEncoding, json, wire.length,
                            rawBytes, null, raw), 400, "{\"error\":\"failed to parse OTLP protobuf\"}");
                    return;
                }
            }
            Incoming in = new Incoming(path, team, dataset, contentType, contentEncoding, json, wire.length,
                    rawBytes, traces, raw);
            if (traces != null && countSpans(traces) > maxSpans) {
                refuse(ex, in, 413, "{\"error\":\"request body is too large\"}");
                return;
            }
            synchronized (lock) {
                Behaviour behaviour = next();
                if (behaviour instanceof Behaviour.Hang) {
                    if (closed) {
                        answer = decide(in, Behaviour.status(503));
                    } else {
                        held.add(new Held(ex, in));
                        return; // the exchange stays open until released
                    }
                } else {
                    answer = decide(in, behaviour);
                }
            }
            send(ex, answer);
        } catch (IOException | RuntimeException e) {
            ex.close();
        }
    }

    private void refuse(HttpExchange ex, Incoming in, int status, String json) {
        Answer a = new Answer(status, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
        synchronized (lock) {
            record(in, status);
        }
        send(ex, a);
    }

    /** The behaviour for the next request that passed the checks. Caller holds the lock. */
    private Behaviour next() {
        long now = System.nanoTime();
        while (!script.isEmpty()) {
            Entry e = script.peekFirst();
            if (e.behaviour instanceof Behaviour.Outage o) {
                if (inOutage(e, o, now)) {
                    return Behaviour.status(503);
                }
                script.pollFirst();
                continue;
            }
            if (--e.remaining <= 0) {
                script.pollFirst();
            }
            return e.behaviour;
        }
        if (fallback.behaviour instanceof Behaviour.Outage o) {
            if (inOutage(fallback, o, now)) {
                return Behaviour.status(503);
            }
            fallback = new Entry(Behaviour.ok(), Integer.MAX_VALUE);
        }
        return fallback.behaviour;
    }

    private static boolean inOutage(Entry e, Behaviour.Outage o, long now) {
        if (!e.started) {
            e.started = true;
            e.outageStart = now;
        }
        return now - e.outageStart < o.duration().toNanos();
    }

    /** Records the request and builds the answer for a final behaviour. Caller holds the lock. */
    private Answer decide(Incoming in, Behaviour behaviour) {
        if (behaviour instanceof Behaviour.Ok) {
            record(in, 200);
            return success(in, 0, null);
        }
        if (behaviour instanceof Behaviour.PartialSuccess p) {
            record(in, 200);
            rejectedReported += p.rejected();
            return success(in, p.rejected(), p.message());
        }
        if (behaviour instanceof Behaviour.Status s) {
            record(in, s.code());
            String json = "{\"error\":\"" + reason(s.code()) + "\"}";
            return new Answer(s.code(), "application/json", json.getBytes(StandardCharsets.UTF_8), s.retryAfter());
        }
        throw new IllegalStateException("not a final behaviour: " + behaviour);
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "bad request";
            case 401 -> "unknown API key - check your credentials";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 413 -> "request body is too large";
            case 429 -> "request dropped due to rate limiting";
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            default -> "status " + code;
        };
    }

    private static Answer success(Incoming in, long rejected, String message) {
        boolean partial = message != null;
        if (in.json) {
            String body = partial
                    ? "{\"partialSuccess\":{\"" + rejectedField(in.path) + "\":\"" + rejected
                            + "\",\"errorMessage\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}"
                    : "{}";
            return new Answer(200, "application/json", body.getBytes(StandardCharsets.UTF_8), null);
        }
        byte[] body;
        switch (in.path) {
            case "/v1/metrics" -> {
                var b = ExportMetricsServiceResponse.newBuilder();
                if (partial) {
                    b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected)
                            .setErrorMessage(message));
                }
                body = b.build().toByteArray();
            }
            case "/v1/logs" -> {
                var b = ExportLogsServiceResponse.newBuilder();
                if (partial) {
                    b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                            .setErrorMessage(message));
                }
                body = b.build().toByteArray();
            }
            default -> {
                var b = ExportTraceServiceResponse.newBuilder();
                if (partial) {
                    b.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected)
                            .setErrorMessage(message));
                }
                body = b.build().toByteArray();
            }
        }
        return new Answer(200, "application/x-protobuf", body, null);
    }

    private static String rejectedField(String path) {
        return switch (path) {
            case "/v1/metrics" -> "rejectedDataPoints";
            case "/v1/logs" -> "rejectedLogRecords";
            default -> "rejectedSpans";
        };
    }

    /** Caller holds the lock. */
    private void record(Incoming in, int status) {
        requests.add(in.answered(status));
        if (status == 200 && in.traces != null) {
            HexFormat hex = HexFormat.of();
            for (ResourceSpans rs : in.traces.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        spans.add(s);
                        spanIdCounts.merge(hex.formatHex(s.getSpanId().toByteArray()), 1, Integer::sum);
                    }
                }
            }
        }
        lock.notifyAll();
    }

    private static void send(HttpExchange ex, Answer a) {
        try (ex) {
            if (a.contentType != null) {
                ex.getResponseHeaders().set("Content-Type", a.contentType);
            }
            if (a.retryAfter != null) {
                ex.getResponseHeaders().set("Retry-After", a.retryAfter);
            }
            // -1: no body (0 would mean chunked).
            ex.sendResponseHeaders(a.status, a.body.length == 0 ? -1 : a.body.length);
            if (a.body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(a.body);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (e.g. it timed out on a hanging request); nothing to answer.
        }
    }

    private boolean keyAccepted(String team) {
        if (team == null || team.isEmpty()) {
            return false;
        }
        synchronized (lock) {
            return acceptedKeys == null || acceptedKeys.contains(team);
        }
    }

    /** Whether Honeycomb would treat this key as a Classic key, which needs a dataset header. */
    public static boolean isClassicKey(String key) {
        return key != null && (CLASSIC_HEX.matcher(key).matches() || CLASSIC_INGEST.matcher(key).matches());
    }

    static int countSpans(ExportTraceServiceRequest request) {
        int n = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                n += ss.getSpansCount();
            }
        }
        return n;
    }

    private record Inflated(byte[] bytes, int size) {
    }

    /**
     * Inflates up to {@code limit} bytes. Over the limit, bytes is null and size is the full uncompressed size
     * (counted without keeping it, up to 1 GiB, else -1). Null for a corrupt stream.
     */
    private static Inflated gunzip(byte[] wire, int limit) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Math.max(wire.length * 4L, 64L), limit + 1L));
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int r;
            while ((r = in.read(buf)) != -1) {
                if (total + r <= limit) {
                    out.write(buf, 0, r);
                } else if (total <= limit) {
                    out = null; // over the limit: keep counting only
                }
                total += r;
                if (total > MAX_COUNTED_BYTES) {
                    return new Inflated(null, -1);
                }
            }
            return total > limit ? new Inflated(null, (int) total) : new Inflated(out.toByteArray(), (int) total);
        } catch (IOException e) {
            return null;
        }
    }
}
