package dev.otlprelay;

import dev.otlprelay.admin.AdminServer;
import dev.otlprelay.admin.Readiness;
import dev.otlprelay.admin.SamplingDebug;
import dev.otlprelay.config.ConfigException;
import dev.otlprelay.config.EffectiveConfig;
import dev.otlprelay.config.RelayConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.export.DebugExporter;
import dev.otlprelay.export.Destination;
import dev.otlprelay.export.ExportQueue;
import dev.otlprelay.export.Exporter;
import dev.otlprelay.export.honeycomb.HoneycombDestination;
import dev.otlprelay.export.xray.XrayExporter;
import dev.otlprelay.pipeline.DestinationSet;
import dev.otlprelay.receive.Admission;
import dev.otlprelay.receive.Ingest;
import dev.otlprelay.receive.OtlpJson;
import dev.otlprelay.receive.grpc.GrpcReceiver;
import dev.otlprelay.receive.http.HttpReceiver;
import dev.otlprelay.sample.Route;
import dev.otlprelay.sample.SamplingOff;
import dev.otlprelay.sample.SamplingStage;
import dev.otlprelay.sample.xrayrules.DestinationSamplers;
import dev.otlprelay.sample.xrayrules.SamplingReport;
import dev.otlprelay.telemetry.RelayMetrics;
import dev.otlprelay.transport.SocketTransport;
import io.netty.channel.EventLoopGroup;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The composition root: builds every stage from a {@link RelayConfig} and wires them
 * receive → sample → export. Binds its ports first, refusing requests ({@code starting}, 503) until the exporters and
 * the sampler run, and stops upstream first, so no stage ever hands work to one that is not running; a relay whose
 * ports are taken fails before it touches its spool. {@link #stop()} is safe to call twice.
 */
public final class Relay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Relay.class.getName());
    /** Default capacity of a best-effort destination's queue (the debug printer). */
    private static final long DEBUG_QUEUE_BYTES = 16L * 1024 * 1024;

    private final RelayConfig config;
    private final RelayMetrics metrics = new RelayMetrics();
    /** Epoll where it loads, else NIO: for the listeners and the X-Ray sender alike. */
    private final SocketTransport transport = SocketTransport.best();
    private final Admission admission;
    private final Ingest ingest;
    private final DestinationSamplers samplers;
    /** Null when sampling is off (no rules, no conditions). */
    private final SamplingStage sampling;
    private final ScheduledExecutorService reloads;
    private final List<Destination> destinations = new ArrayList<>();
    private final Readiness readiness = new Readiness();
    /** {@code /healthz}: fails when a stage can no longer do its work, so that the relay is restarted. */
    private final Readiness liveness = new Readiness();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final HttpReceiver http;
    private final GrpcReceiver grpc;
    private final AdminServer admin;
    private volatile boolean stopping;
    private volatile boolean started;
    private boolean stopped;

    /** A relay as users run it: the exporters the configuration asks for. */
    public Relay(RelayConfig config) {
        this(config, List.of(), line -> LOG.info(line));
    }

    /**
     * @param extraExporters destinations added to the configured ones (tests use this to see what the pipeline
     *                       hands on)
     * @param debugOut where the debug exporter writes its lines
     */
    public Relay(RelayConfig config, List<Exporter> extraExporters, Consumer<String> debugOut) {
        this.config = config;
        var receiver = config.receiver();
        // sample: the rules of each destination, or none (sampling off)
        samplers = samplersFor(config);
        admission = new Admission(receiver.maxInflightBytes());
        metrics.admissionInflight(admission::inflight);
        metrics.admissionBudget(admission.budget());
        // export: every destination, each behind its queue
        destinations.addAll(destinationsFor(config, extraExporters, debugOut));
        DestinationSet destinationSet = new DestinationSet(destinations);
        // sample → export: with no rules and no conditions every trace is kept, nothing is buffered, and
        // acknowledgements stay durable
        sampling = samplers == null ? null
                : new SamplingStage(config.sampling(), routes(destinationSet), destinationSet, metrics);
        ingest = new Ingest(sampling == null ? new SamplingOff(destinationSet) : sampling, metrics,
                receiver.retryAfter());
        // receive → sample, and admin beside them
        boss = transport.group(1, "relay-accept");
        workers = transport.group(0, "relay-io");
        http = new HttpReceiver(receiver.httpAddress(), this::grpcBoundAddress, ingest, admission, metrics,
                receiver.maxRequestBytes(), receiver.requestTimeout(), receiver.cors(), transport, boss, workers);
        grpc = new GrpcReceiver(receiver.grpcAddress(), this::httpBoundAddress, ingest, admission, metrics,
                receiver.maxGrpcMessageBytes(), transport, boss, workers);
        admin = new AdminServer(config.admin().address(), metrics, readiness, liveness,
                () -> EffectiveConfig.render(config),
                sampling == null ? SamplingDebug.OFF : samplingDebug(new SamplingReport(samplers, sampling)), transport, boss,
                workers);
        ingest.refuseUntilOpen();
        addHealthChecks();
        reloads = samplers == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sampling-rules-reload");
            t.setDaemon(true);
            return t;
        });
    }

    private DestinationSamplers samplersFor(RelayConfig config) {
        if (!config.sampling().active()) {
            return null;
        }
        try {
            return new DestinationSamplers(config.sampling(), metrics.registry(), System::nanoTime);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid sampling rules:\n  " + String.join("\n  ", e.problems()), e);
        }
    }

    /** Honeycomb and X-Ray as configured, then the extra exporters and the debug printer, each behind a queue. */
    private List<Destination> destinationsFor(RelayConfig config, List<Exporter> extraExporters,
                                              Consumer<String> debugOut) {
        List<Destination> all = new ArrayList<>();
        if (config.honeycomb().exportEnabled()) {
            all.add(new HoneycombDestination(config.honeycomb(), metrics));
        }
        if (config.xray().exportEnabled()) {
            all.add(new ExportQueue(new XrayExporter(config.xray(), metrics, transport), config.xray().queueBytes(),
                    metrics));
        }
        List<Exporter> exporters = new ArrayList<>(extraExporters);
        if (config.debugExporterOn()) {
            exporters.add(new DebugExporter(debugOut));
        }
        for (Exporter e : exporters) {
            all.add(new ExportQueue(e, e.pushesBack() ? config.receiver().maxInflightBytes() * 4 : DEBUG_QUEUE_BYTES,
                    metrics));
        }
        return all;
    }

    /** One route per destination, with the sampler its rules give it, to that destination alone in the set. */
    private List<Route> routes(DestinationSet destinationSet) {
        List<Route> routes = new ArrayList<>();
        for (Destination d : destinations) {
            routes.add(new Route(d.name(), samplers.forDestination(d.name()), destinationSet.only(d)));
        }
        return routes;
    }

    /** {@code /readyz} (take traffic?) and {@code /healthz} (restart me?), from every stage that can say. */
    private void addHealthChecks() {
        readiness.add("shutdown", () -> stopping ? "the relay is shutting down" : started ? null
                : "the relay is starting");
        readiness.add("listeners", () -> http.isBound() && grpc.isBound() ? null : "OTLP listeners are not bound");
        for (Destination d : destinations) {
            readiness.add(d.name(), d::notReadyReason);
            liveness.add(d.name(), d::deadReason);
        }
        if (sampling != null) {
            readiness.add("sampling", sampling::notReadyReason);
            liveness.add("sampling", sampling::deadReason);
        }
        readiness.add("admission", () -> admission.utilisation() >= 0.9
                ? String.format("in-flight requests hold %.0f%% of the %d-byte admission budget",
                admission.utilisation() * 100, admission.budget()) : null);
    }

    public void start() {
        // The ports first, refusing requests until the destinations run: a relay whose ports are taken (a second
        // one started by mistake) fails here, before it opens, locks or replays anything of its spool.
        String listener = "admin " + config.admin().address();
        try {
            admin.start();
            listener = "OTLP/HTTP " + config.receiver().httpAddress();
            http.start();
            listener = "OTLP/gRPC " + config.receiver().grpcAddress();
            grpc.start();
            for (Destination d : destinations) {
                d.start();
            }
            if (sampling != null) {
                sampling.start();
                long every = config.sampling().reloadInterval().toMillis();
                reloads.scheduleWithFixedDelay(samplers::checkForChanges, every, every, TimeUnit.MILLISECONDS);
            }
            ingest.open();
            started = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("could not bind " + listener + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stop();
            if (isBindFailure(e)) {
                throw new UncheckedIOException("could not bind " + listener + ": " + e.getMessage(),
                        new IOException(e));
            }
            throw e;
        }
        LOG.info("otlp-relay listening: OTLP/HTTP " + httpBoundAddress() + ", OTLP/gRPC " + grpcBoundAddress()
                + ", admin " + hostPort(config.admin().address().host(), admin.port())
                + " (/metrics /healthz /readyz); socket transport " + transport.describe());
        describeExports();
        if (sampling != null) {
            var sc = config.sampling();
            LOG.info("sampling is on: " + (sc.rulesFile() == null ? "no rules file" : "rules " + sc.rulesFile())
                    + ", " + sc.conditions().size() + " conditions" + (sc.xray() == null ? ""
                    : ", X-Ray has its own rules") + "; " + (samplers.main().decidesOnRoot()
                    && samplers.xray().decidesOnRoot() ? "traces are decided as their root arrives (the rules read "
                    + "only the root), or " + sc.decisionWait().toMillis() + " ms after a root with a remote parent"
                    : "traces are decided " + sc.decisionWait().toMillis() + " ms after their root (a condition "
                    + "reads every span)") + " (GET /debug/sampling)");
        } else {
            LOG.info("sampling is off: every trace is kept (set RELAY_SAMPLING_RULES to apply X-Ray rules)");
        }
        var cors = config.receiver().cors();
        if (cors.enabled()) {
            LOG.info("CORS is on for browser apps from " + String.join(", ", cors.allowedOrigins())
                    + (cors.allowedHeaders().isEmpty() ? "" : "; extra headers " + String.join(", ",
                    cors.allowedHeaders())) + " (OTLP/HTTP port only)");
        }
    }

    private void describeExports() {
        var honeycomb = config.honeycomb();
        if (honeycomb.exportEnabled()) {
            LOG.info("Honeycomb export is on: " + honeycomb.apiEndpoint() + ", key "
                    + honeycomb.apiKey().map(Secret::fingerprint).orElse("from each request")
                    + " (key_mode " + honeycomb.keyMode().word() + ")"
                    + (honeycomb.dataset() == null ? "" : ", dataset " + honeycomb.dataset()));
        } else {
            LOG.info("Honeycomb export is off: HONEYCOMB_API_KEY is not set");
        }
        if (config.debugExporterOn()) {
            LOG.info("debug exporter is on: one line per received batch (debug.enabled: "
                    + config.debug().enabled().name().toLowerCase() + ")");
        }
    }

    /** Netty and grpc-java wrap "Address already in use" in runtime exceptions of their own. */
    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private String httpBoundAddress() {
        return hostPort(config.receiver().httpAddress().host(), http.port());
    }

    private String grpcBoundAddress() {
        return hostPort(config.receiver().grpcAddress().host(), grpc.port());
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Graceful stop: readiness fails at once, listeners close, requests still arriving are answered 503, queues
     * drain until the configured deadline; what could not be delivered is counted and logged.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopping = true;
        // One deadline for the whole stop, from the signal: closing, draining and the final accounting all fit in
        // shutdown.drain_timeout, which fits in a container's stop window (docker stop: 10 s, then SIGKILL).
        Duration drain = config.shutdown().drainTimeout();
        long start = System.nanoTime();
        long deadline = start + drain.toNanos();
        // Kept for what comes after the drain: closing the destinations, the final counts and their log line.
        long finalNanos = Math.min(FINAL_MARGIN.toNanos(), drain.toNanos() / 10);
        ingest.close();
        http.closeListener();
        grpc.closeListener();
        // Requests already being read get a share of the time to be answered; new ones are refused meanwhile.
        Duration requests = Duration.ofNanos(Math.min(REQUESTS_MARGIN.toNanos(), drain.toNanos() / 5));
        http.close(requests);
        grpc.close(remaining(start + 2 * requests.toNanos()));
        long drainDeadline = deadline - finalNanos;
        long lost = 0;
        if (sampling != null) {
            reloads.shutdownNow();
            // Decides every held trace (reason shutdown) and hands it on before the destinations drain.
            lost += sampling.stop(remaining(drainDeadline));
        }
        for (Destination d : destinations) {
            lost += d.drain(remaining(drainDeadline));
        }
        for (Destination d : destinations) {
            d.close();
        }
        if (lost > 0) {
            LOG.warning("stopped: " + lost + " spans could not be delivered within the " + drain.toSeconds()
                    + "s drain deadline (counted in otlp_relay_dropped_spans_total{reason=\"shutdown\"})");
        } else {
            LOG.info("stopped: every accepted span was handed to its destinations");
        }
        admin.close();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        metrics.close();
    }

    @Override
    public void close() {
        stop();
    }

    /** What closing the listeners may take of the drain deadline at most: requests already being read finish. */
    private static final Duration REQUESTS_MARGIN = Duration.ofSeconds(1);
    /** What is kept of the drain deadline for closing the destinations and the final accounting. */
    private static final Duration FINAL_MARGIN = Duration.ofMillis(500);

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    public boolean isReady() {
        return readiness.problems().isEmpty();
    }

    public int httpPort() {
        return http.port();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int adminPort() {
        return admin.port();
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public Admission admission() {
        return admission;
    }

    /** The admin endpoint's view of sampling: {@link SamplingReport}'s JSON, with the receiver's OTLP/JSON decoder. */
    private static SamplingDebug samplingDebug(SamplingReport report) {
        return new SamplingDebug() {
            @Override
            public String describe() {
                return report.describeJson();
            }

            @Override
            public Answer explain(byte[] otlpJson) {
                SamplingReport.JsonAnswer a = report.explainJson(otlpJson, body -> OtlpJson.merge(body, 0,
                        body.length, ExportTraceServiceRequest.newBuilder()).build());
                return new Answer(a.status(), a.json());
            }
        };
    }
}
