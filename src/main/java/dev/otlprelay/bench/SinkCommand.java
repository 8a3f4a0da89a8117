package dev.otlprelay.bench;

import dev.otlprelay.config.HostPort;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code sink}: runs the listeners until the process is asked to stop, printing the counts as they grow. */
public final class SinkCommand {
    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int USAGE = 2;

    private SinkCommand() {
    }

    /** @return 0 after a clean stop, 1 when a listener could not bind, 2 on a bad command line */
    public static int run(String[] args, PrintStream out, PrintStream err, Runnable awaitStop) {
        SinkOptions o;
        try {
            o = SinkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("otlp-relay sink: " + e.getMessage());
            err.print(SinkOptions.USAGE);
            return USAGE;
        }
        if (o == null) {
            out.print(SinkOptions.USAGE);
            return OK;
        }
        Sink sink = new Sink(o);
        try {
            sink.start();
        } catch (IOException | RuntimeException e) {
            err.println("otlp-relay sink: could not listen: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
        // Scripts read these lines to learn the ports when they asked for port 0.
        for (Map.Entry<String, HostPort> e : sink.bound().entrySet()) {
            out.println("listening " + e.getKey() + " " + e.getValue());
        }
        out.flush();
        ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sink-print");
            t.setDaemon(true);
            return t;
        });
        long every = o.printEvery().toMillis();
        SinkCounts c = sink.counts();
        long[] last = new long[3];
        printer.scheduleAtFixedRate(() -> {
            long spans = c.honeycombSpans.sum();
            long datagrams = c.xrayDatagrams.sum();
            long nullRequests = c.nullRelayRequests.sum();
            double seconds = every / 1000.0;
            out.printf(Locale.ROOT, "sink  honeycomb %,d spans (%,.0f/s) in %,d requests  xray %,d datagrams "
                            + "(%,.0f/s), %,d invalid  null-relay %,d requests (%,.0f/s)%n", spans,
                    (spans - last[0]) / seconds, c.honeycombRequests.sum(), datagrams, (datagrams - last[1]) / seconds,
                    c.xrayInvalid.sum(), nullRequests, (nullRequests - last[2]) / seconds);
            last[0] = spans;
            last[1] = datagrams;
            last[2] = nullRequests;
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            awaitStop.run();
        } finally {
            printer.shutdownNow();
            sink.close();
        }
        out.println("sink stopped: " + c.json());
        return OK;
    }
}
