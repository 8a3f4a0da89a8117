package dev.otlprelay.export.spool;

import static dev.otlprelay.export.spool.SpoolFixture.await;
import static dev.otlprelay.export.spool.SpoolFixture.config;
import static dev.otlprelay.export.spool.SpoolFixture.failure;
import static dev.otlprelay.export.spool.SpoolFixture.ids;
import static dev.otlprelay.export.spool.SpoolFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.config.SpoolConfig.Fsync;
import dev.otlprelay.export.spool.SpoolFixture.CountingSync;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SpoolFsyncPolicyTest {
    private static final int LENGTH = 100;
    private static final long FIRST_RECORD_END = SpoolFixture.offsetOf(1, LENGTH);
    private static final int THREADS = 8;
    private static final int PER_THREAD = 125;

    @TempDir
    Path dir;

    @Test
    void alwaysCompletesAnAppendOnlyAfterAnFsyncCoveringIt() throws Exception {
        CountingSync sync = new CountingSync();
        try (Spool spool = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE, sync)) {
            await(spool.append(payload(1, LENGTH)));
            assertThat(sync.fileForces).hasValueGreaterThanOrEqualTo(1);
            assertThat(sync.largestForcedSize).hasValueGreaterThanOrEqualTo(FIRST_RECORD_END);
        }
    }

    @Test
    void intervalCompletesAnAppendAtThePeriodicFsyncCoveringIt() throws Exception {
        CountingSync sync = new CountingSync();
        try (Spool spool = Spool.open(config(dir, Fsync.INTERVAL), SpoolListener.NONE, sync)) {
            await(spool.append(payload(1, LENGTH)));
            assertThat(sync.fileForces).hasValueGreaterThanOrEqualTo(1);
            assertThat(sync.largestForcedSize).hasValueGreaterThanOrEqualTo(FIRST_RECORD_END);
        }
    }

    @Test
    void intervalAppendsWaitForThePeriodicFsyncAndShareIt() throws Exception {
        CountingSync sync = new CountingSync();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        // The interval is far longer than the test: only close() forces the file.
        Spool spool = Spool.open(config(dir, Fsync.INTERVAL, Duration.ofHours(1), SpoolFixture.MIB * 64,
                SpoolFixture.MIB * 8), SpoolListener.NONE, sync);
        for (int i = 0; i < 100; i++) {
            futures.add(spool.append(payload(i, LENGTH)));
        }
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        spool.close();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(sync.fileForces).hasValue(1);
        assertThat(sync.largestForcedSize).hasValue(SpoolFixture.offsetOf(100, LENGTH));
    }

    @Test
    void neverCompletesAppendsWithoutAnyFsyncAndCloseForcesThem() throws Exception {
        CountingSync sync = new CountingSync();
        Spool spool = Spool.open(config(dir, Fsync.NEVER), SpoolListener.NONE, sync);
        for (int i = 0; i < 50; i++) {
            await(spool.append(payload(i, LENGTH)));
        }
        assertThat(sync.fileForces).hasValue(0);
        spool.close();
        assertThat(sync.fileForces).hasValue(1);
        assertThat(sync.largestForcedSize).hasValue(SpoolFixture.offsetOf(50, LENGTH));
    }

    @ParameterizedTest
    @EnumSource(Fsync.class)
    void concurrentAppendsFromSeveralThreadsAllCompleteAndAreAllRecovered(Fsync policy) throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        try (Spool spool = Spool.open(config(dir, policy, Duration.ofMillis(5), 64 * SpoolFixture.MIB, 16 * 1024),
                SpoolListener.NONE)) {
            List<CompletableFuture<Long>> futures = appendFromThreads(spool);
            for (CompletableFuture<Long> f : futures) {
                ids.add(await(f));
            }
            assertThat(spool.pendingRecords()).isEqualTo(THREADS * PER_THREAD);
        }
        assertThat(ids).hasSize(THREADS * PER_THREAD).doesNotHaveDuplicates();
        try (Spool reopened = Spool.open(config(dir, policy), SpoolListener.NONE)) {
            assertThat(ids(reopened.recovered())).containsExactlyInAnyOrderElementsOf(ids).isSorted();
        }
    }

    @Test
    void concurrentAppendsUnderAlwaysShareFsyncs() throws Exception {
        CountDownLatch allAppended = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        // The first fsync waits until every append was made, as a slow disk would: all of them then queue up
        // behind it and must be written and forced together.
        CountingSync sync = new CountingSync() {
            @Override
            void beforeForce() {
                if (held.compareAndSet(false, true)) {
                    try {
                        allAppended.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (Spool spool = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE, sync)) {
            List<CompletableFuture<Long>> futures = appendFromThreads(spool);
            allAppended.countDown();
            for (CompletableFuture<Long> f : futures) {
                await(f);
            }
            assertThat(futures).hasSize(THREADS * PER_THREAD);
            assertThat(sync.fileForces.get()).as("fsyncs for %d appends", futures.size()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void aFailedFsyncFailsTheAppendsItCoveredAndLaterAppendsGoToANewSegment() throws Exception {
        CountingSync sync = new CountingSync();
        long kept;
        try (Spool spool = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE, sync)) {
            sync.failNext = true;
            assertThat(failure(spool.append(payload(1, LENGTH)))).isInstanceOf(IOException.class)
                    .hasMessageContaining("fsync failed");
            assertThat(spool.pendingRecords()).isZero();
            kept = await(spool.append(payload(2, LENGTH)));
            assertThat(RecordFormat.segmentOf(kept)).isEqualTo(2);
        }
        try (Spool reopened = Spool.open(config(dir, Fsync.ALWAYS), SpoolListener.NONE)) {
            assertThat(ids(reopened.recovered())).containsExactly(kept);
        }
    }

    /** {@value #THREADS} threads append {@value #PER_THREAD} records each; returns once every append was made. */
    private static List<CompletableFuture<Long>> appendFromThreads(Spool spool) throws Exception {
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        futures.add(spool.append(payload(thread * PER_THREAD + i, LENGTH)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS); // appends never wait for the disk, so this returns while fsyncs are held
            }
        } finally {
            pool.shutdownNow();
        }
        return futures;
    }
}
