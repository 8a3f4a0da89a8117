package dev.otlprelay.pipeline;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/**
 * A metrics or logs export request, forwarded untouched by sampling. The receiver hands on a protobuf body as
 * received (after decompression) and a JSON body as the protobuf it decodes to; {@code encoding} says which the body
 * is (JSON only in spool records written by older relays).
 *
 * @param items what the request holds in its own unit: data points for metrics, log records for logs; what a
 *              destination drops of it is counted in these ({@code otlp_relay_dropped_data_points_total},
 *              {@code otlp_relay_dropped_log_records_total}), as it holds no spans
 */
public record PassthroughBatch(Signal signal, byte[] body, OtlpEncoding encoding, long sizeBytes, ClientContext client,
                               long receivedNanos, int items) implements Batch {
    public enum Signal {
        METRICS("metrics"), LOGS("logs");

        private final String label;

        Signal(String label) {
            this.label = label;
        }

        /** The lower-case name used in URL paths ({@code /v1/metrics}) and metric tags. */
        public String label() {
            return label;
        }
    }

    @Override
    public int spanCount() {
        return 0;
    }

    /** The data points of a metrics request, of every metric type. */
    public static int dataPoints(ExportMetricsServiceRequest request) {
        int n = 0;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    n += dataPoints(m);
                }
            }
        }
        return n;
    }

    /** One metric's data points; 0 for a metric without data. */
    public static int dataPoints(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            case DATA_NOT_SET -> 0;
        };
    }

    /** The log records of a logs request. */
    public static int logRecords(ExportLogsServiceRequest request) {
        int n = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                n += sl.getLogRecordsCount();
            }
        }
        return n;
    }
}
