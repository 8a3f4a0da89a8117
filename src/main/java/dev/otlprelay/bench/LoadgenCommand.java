package dev.otlprelay.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code loadgen}: builds the request pool, sends it for the given time and prints the summary. */
public final class LoadgenCommand {
    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int USAGE = 2;
    /** Traces in progress at once in the simulated backend: their spans interleave in the export stream. */
    private static final int OPEN_TRACES = 32;

    private LoadgenCommand() {
    }

    /**
     * @param awaitStop blocks until the process is asked to stop (SIGINT/SIGTERM); the load then ends early and
     *                  the summary still prints
     * @return 0 when at least one span was acknowledged, 1 when none was, 2 on a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Runnable awaitStop) {
        LoadgenOptions o;
        try {
            o = LoadgenOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("otlp-relay loadgen: " + e.getMessage());
            err.print(LoadgenOptions.USAGE);
            return USAGE;
        }
        if (o == null) {
            out.print(LoadgenOptions.USAGE);
            return OK;
        }
        long t0 = System.nanoTime();
        RequestPool pool = RequestPool.of(FlaskTraces.requests(new FlaskTraces.Shape(o.traces(),
                        o.spansPerRequest(), o.errorShare(), OPEN_TRACES, o.seed()), System.currentTimeMillis() * 1_000_000L),
                o.protocol() == LoadgenOptions.Protocol.HTTP_JSON ? RequestPool.Encoding.JSON
                        : RequestPool.Encoding.PROTOBUF);
        err.printf("loadgen: %d requests (%,d spans per round) encoded in %.1fs; sending %s to %s at %s for %ss%n",
                pool.size(), pool.spansBefore(pool.size()), (System.nanoTime() - t0) / 1e9, o.protocol().word,
                o.endpoint(), o.rate() == 0 ? "max rate" : o.rate() + " spans/s",
                o.duration().toMillis() / 1000.0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            awaitStop.run();
            stop.set(true);
        }, "loadgen-stop");
        stopper.setDaemon(true);
        stopper.start();
        LoadSummary summary;
        try (Transport transport = o.protocol() == LoadgenOptions.Protocol.GRPC ? new GrpcTransport(o.endpoint())
                : new HttpTransport(o.endpoint(), o.protocol() == LoadgenOptions.Protocol.HTTP_PROTOBUF,
                o.concurrency())) {
            summary = new LoadGenerator(pool, transport, o.rate(), o.duration(), o.concurrency(), err).run(stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
        out.print(summary.text(o));
        if (o.summaryJson() != null) {
            try {
                Files.write(o.summaryJson(), List.of(summary.json(o).strip()));
            } catch (IOException e) {
                err.println("otlp-relay loadgen: could not write " + o.summaryJson() + ": " + e.getMessage());
                return FAILED;
            }
        }
        return summary.spansOk() > 0 ? OK : FAILED;
    }
}
