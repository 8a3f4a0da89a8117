package dev.otlprelay.export.honeycomb;

import dev.otlprelay.export.spool.Spool;
import dev.otlprelay.export.spool.SpoolRecord;
import dev.otlprelay.pipeline.Nesting;
import dev.otlprelay.pipeline.PassthroughBatch;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Reads back, oldest first, what an earlier process spooled and did not deliver, and decodes each record into what
 * the destination queues again. A record the disk cannot give back stays in the spool for the next start; one read
 * whole (its checksum held) yet not decodable never will be, so it is acknowledged as given up on and counted
 * ({@code otlp_relay_spool_corrupt_records_total}), and its segment can go.
 */
final class SpoolReplay {
    private static final Logger LOG = Logger.getLogger(SpoolReplay.class.getName());

    /**
     * One record decoded: a trace request ({@code request}, with its {@code spans}) or a metrics or logs body
     * ({@code signal}, with its data points or log records as {@code items}).
     */
    record Replayed(long id, SpoolRecords.Stored stored, ExportTraceServiceRequest request,
                    PassthroughBatch.Signal signal, int spans, int items) {
    }

    /** Takes one record; false to stop the replay (the destination is closing: the rest stays spooled). */
    interface Requeue {
        boolean take(Replayed record);
    }

    private SpoolReplay() {
    }

    /** Hands every recovered record to {@code requeue}; true when all were offered, false when it stopped early. */
    static boolean run(Spool spool, Counter corrupt, BooleanSupplier closing, Requeue requeue) {
        List<SpoolRecord> records = spool.recovered();
        for (int i = 0; i < records.size(); i++) {
            SpoolRecord record;
            try {
                record = records.get(i);
            } catch (UncheckedIOException e) {
                if (closing.getAsBoolean()) {
                    return false;
                }
                LOG.warning("spool: cannot read record " + i + " of " + records.size() + " (" + e.getMessage()
                        + "); it stays in the spool for the next start");
                continue;
            }
            Replayed replayed;
            try {
                replayed = decode(record);
            } catch (IOException | RuntimeException e) {
                corrupt.increment();
                spool.acknowledge(record.id());
                LOG.warning("spool: dropped record " + i + " of " + records.size() + ", which cannot be decoded ("
                        + e.getClass().getSimpleName() + "); counted in otlp_relay_spool_corrupt_records_total");
                continue;
            }
            if (!requeue.take(replayed)) {
                return false;
            }
        }
        return true;
    }

    private static Replayed decode(SpoolRecord record) throws IOException {
        SpoolRecords.Stored stored = SpoolRecords.decode(record.payload());
        if (stored.traces()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(Nesting.input(stored.body()));
            int spans = 0;
            for (ResourceSpans rs : request.getResourceSpansList()) {
                spans += BatchPieces.countSpans(rs);
            }
            return new Replayed(record.id(), stored, request, null, spans, 0);
        }
        PassthroughBatch.Signal signal = stored.path().endsWith("/logs") ? PassthroughBatch.Signal.LOGS
                : PassthroughBatch.Signal.METRICS;
        return new Replayed(record.id(), stored, null, signal, 0, items(signal, stored));
    }

    /**
     * The data points or log records of a spooled metrics or logs body: counted from the body when it is protobuf;
     * a JSON body (spooled by a relay older than the one that forwards JSON as protobuf) is not decoded here, and
     * counts 0.
     */
    private static int items(PassthroughBatch.Signal signal, SpoolRecords.Stored stored) {
        if (!stored.contentType().equals("application/x-protobuf")) {
            return 0;
        }
        try {
            return signal == PassthroughBatch.Signal.METRICS
                    ? PassthroughBatch.dataPoints(ExportMetricsServiceRequest.parseFrom(Nesting.input(stored.body())))
                    : PassthroughBatch.logRecords(ExportLogsServiceRequest.parseFrom(Nesting.input(stored.body())));
        } catch (IOException e) {
            return 0;
        }
    }
}
