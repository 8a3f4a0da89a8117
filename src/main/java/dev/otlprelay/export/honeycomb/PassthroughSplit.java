package dev.otlprelay.export.honeycomb;

import java.io.IOException;
import dev.otlprelay.pipeline.Nesting;
import dev.otlprelay.pipeline.PassthroughBatch;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;

/**
 * Halves a forwarded metrics or logs body that Honeycomb refused as too large (413), as a trace batch is halved: by
 * its items (data points, log records), each half keeping the resource, scope and metric around the items it
 * holds. Protobuf bodies only: the receiver turns JSON into protobuf, so only a JSON body spooled by an older relay
 * is not split.
 */
final class PassthroughSplit {
    /** A body's two halves and how many items each holds. */
    record Halves(byte[] first, int firstItems, byte[] second, int secondItems) {
    }

    private PassthroughSplit() {
    }

    /** The halves, or null when the body holds fewer than two items or does not decode. */
    static Halves halves(PassthroughBatch.Signal signal, byte[] body) {
        try {
            return signal == PassthroughBatch.Signal.METRICS
                    ? metrics(ExportMetricsServiceRequest.parseFrom(Nesting.input(body)))
                    : logs(ExportLogsServiceRequest.parseFrom(Nesting.input(body)));
        } catch (IOException e) {
            return null;
        }
    }

    private static Halves metrics(ExportMetricsServiceRequest request) {
        int total = PassthroughBatch.dataPoints(request);
        if (total < 2) {
            return null;
        }
        int target = total / 2;
        ExportMetricsServiceRequest.Builder a = ExportMetricsServiceRequest.newBuilder();
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        int taken = 0;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            ResourceMetrics.Builder ra = rm.toBuilder().clearScopeMetrics();
            ResourceMetrics.Builder rb = rm.toBuilder().clearScopeMetrics();
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                ScopeMetrics.Builder sa = sm.toBuilder().clearMetrics();
                ScopeMetrics.Builder sb = sm.toBuilder().clearMetrics();
                for (Metric m : sm.getMetricsList()) {
                    int points = PassthroughBatch.dataPoints(m);
                    int toA = Math.max(0, Math.min(points, target - taken));
                    if (points == 0 || toA == points) {
                        sa.addMetrics(m);
                    } else if (toA == 0) {
                        sb.addMetrics(m);
                    } else {
                        sa.addMetrics(points(m, 0, toA));
                        sb.addMetrics(points(m, toA, points));
                    }
                    taken += toA;
                }
                if (sa.getMetricsCount() > 0) {
                    ra.addScopeMetrics(sa);
                }
                if (sb.getMetricsCount() > 0) {
                    rb.addScopeMetrics(sb);
                }
            }
            if (ra.getScopeMetricsCount() > 0) {
                a.addResourceMetrics(ra);
            }
            if (rb.getScopeMetricsCount() > 0) {
                b.addResourceMetrics(rb);
            }
        }
        return new Halves(a.build().toByteArray(), target, b.build().toByteArray(), total - target);
    }

    /** The metric with only its data points {@code [from, to)}. */
    private static Metric points(Metric m, int from, int to) {
        Metric.Builder out = m.toBuilder();
        switch (m.getDataCase()) {
            case GAUGE -> out.setGauge(m.getGauge().toBuilder().clearDataPoints()
                    .addAllDataPoints(m.getGauge().getDataPointsList().subList(from, to)));
            case SUM -> out.setSum(m.getSum().toBuilder().clearDataPoints()
                    .addAllDataPoints(m.getSum().getDataPointsList().subList(from, to)));
            case HISTOGRAM -> out.setHistogram(m.getHistogram().toBuilder().clearDataPoints()
                    .addAllDataPoints(m.getHistogram().getDataPointsList().subList(from, to)));
            case EXPONENTIAL_HISTOGRAM -> out.setExponentialHistogram(m.getExponentialHistogram().toBuilder()
                    .clearDataPoints().addAllDataPoints(m.getExponentialHistogram().getDataPointsList()
                            .subList(from, to)));
            case SUMMARY -> out.setSummary(m.getSummary().toBuilder().clearDataPoints()
                    .addAllDataPoints(m.getSummary().getDataPointsList().subList(from, to)));
            case DATA_NOT_SET -> {
                // No points to divide.
            }
        }
        return out.build();
    }

    private static Halves logs(ExportLogsServiceRequest request) {
        int total = PassthroughBatch.logRecords(request);
        if (total < 2) {
            return null;
        }
        int target = total / 2;
        ExportLogsServiceRequest.Builder a = ExportLogsServiceRequest.newBuilder();
        ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
        int taken = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            ResourceLogs.Builder ra = rl.toBuilder().clearScopeLogs();
            ResourceLogs.Builder rb = rl.toBuilder().clearScopeLogs();
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                List<LogRecord> records = sl.getLogRecordsList();
                int toA = Math.max(0, Math.min(records.size(), target - taken));
                if (toA > 0) {
                    ra.addScopeLogs(sl.toBuilder().clearLogRecords().addAllLogRecords(records.subList(0, toA)));
                }
                if (toA < records.size()) {
                    rb.addScopeLogs(sl.toBuilder().clearLogRecords()
                            .addAllLogRecords(records.subList(toA, records.size())));
                }
                taken += toA;
            }
            if (ra.getScopeLogsCount() > 0) {
                a.addResourceLogs(ra);
            }
            if (rb.getScopeLogsCount() > 0) {
                b.addResourceLogs(rb);
            }
        }
        return new Halves(a.build().toByteArray(), target, b.build().toByteArray(), total - target);
    }
}
