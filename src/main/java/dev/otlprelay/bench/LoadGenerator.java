package dev.otlprelay.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the pool's requests with bounded concurrency for a fixed time, either as fast as the relay answers or on
 * an open-loop schedule (request k is due when the spans before it, at the target rate, have had their time), and
 * measures each request's ack latency from the moment it is sent.
 */
final class LoadGenerator {
    private final RequestPool pool;
    private final Transport transport;
    private final long rate;
    private final Duration duration;
    private final int concurrency;
    private final PrintStream progress;

    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder spansOk = new LongAdder();
    private final LongAdder spansFailed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    /** @param rate spans per second; 0 = as fast as acknowledgements come back */
    LoadGenerator(RequestPool pool, Transport transport, long rate, Duration duration, int concurrency,
                  PrintStream progress) {
        this.pool = pool;
        this.transport = transport;
        this.rate = rate;
        this.duration = duration;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    /** Runs until the duration is over or {@code stop} is set; requests in flight then are awaited. */
    LoadSummary run(AtomicBoolean stop) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Worker[] workers = new Worker[concurrency];
        Thread[] threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = new Worker(start, end, stop);
            threads[i] = new Thread(workers[i], "loadgen-" + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadgen-progress");
            t.setDaemon(true);
            return t;
        });
        long[] last = {0, start};
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long ok = spansOk.sum();
            double perSecond = (ok - last[0]) * 1e9 / Math.max(1, now - last[1]);
            last[0] = ok;
            last[1] = now;
            progress.printf("loadgen %4.0fs  %,9.0f spans/s  ok %,d spans in %,d requests  errors %,d  "
                    + "in flight %d%n", (now - start) / 1e9, perSecond, ok, requests.sum(), errorCount(),
                    inFlight.sum());
        }, 1, 1, TimeUnit.SECONDS);
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            ticker.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        long[] latencies = Arrays.stream(workers).flatMapToLong(w -> Arrays.stream(w.latencies, 0, w.count))
                .sorted().toArray();
        Map<String, Long> byStatus = new TreeMap<>();
        errors.forEach((status, n) -> byStatus.put(status, n.sum()));
        return new LoadSummary(elapsed / 1e9, requests.sum(), spansOk.sum(), spansFailed.sum(), rejected.sum(),
                percentileMillis(latencies, 0.50), percentileMillis(latencies, 0.99),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, byStatus);
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /** One request in flight at a time; keeps its own latencies so that recording takes no lock. */
    private final class Worker implements Runnable {
        private final long start;
        private final long end;
        private final AtomicBoolean stop;
        long[] latencies = new long[1024];
        int count;

        Worker(long start, long end, AtomicBoolean stop) {
            this.start = start;
            this.end = end;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                long seq = sequence.getAndIncrement();
                if (rate > 0) {
                    long due = start + (long) (pool.spansBefore(seq) * 1e9 / rate);
                    if (due >= end) {
                        return;
                    }
                    for (long wait = due - System.nanoTime(); wait > 0 && !stop.get();
                         wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                    }
                } else if (System.nanoTime() >= end) {
                    return;
                }
                if (stop.get()) {
                    return;
                }
                byte[] body = pool.body(seq);
                int spans = pool.spans(seq);
                inFlight.increment();
                long t0 = System.nanoTime();
                Transport.Reply ack;
                try {
                    ack = transport.send(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    ack = new Transport.Reply(false, "client_error:" + e.getClass().getSimpleName(), 0);
                } finally {
                    inFlight.decrement();
                }
                record(System.nanoTime() - t0);
                requests.increment();
                if (ack.ok()) {
                    spansOk.add(spans);
                    rejected.add(ack.rejectedSpans());
                } else {
                    spansFailed.add(spans);
                    errors.computeIfAbsent(ack.status(), s -> new LongAdder()).increment();
                }
            }
        }

        private void record(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }
    }
}
