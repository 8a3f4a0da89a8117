package dev.otlprelay.export.honeycomb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.PassthroughBatch.Signal;
import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A forwarded metrics or logs body halved by its items for a 413: nothing lost, nothing twice, shells kept. */
class PassthroughSplitTest {

    /** Every data point as metric-name:value (or the point's count for histograms), in order. */
    private static List<String> points(byte[] body) throws Exception {
        List<String> out = new ArrayList<>();
        for (ResourceMetrics rm : ExportMetricsServiceRequest.parseFrom(body).getResourceMetricsList()) {
            String resource = rm.getResource().getAttributesCount() == 0 ? ""
                    : rm.getResource().getAttributes(0).getValue().getStringValue() + "/";
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    String name = resource + sm.getScope().getName() + "/" + m.getName();
                    switch (m.getDataCase()) {
                        case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> out.add(name + ":" + p.getAsInt()));
                        case SUM -> m.getSum().getDataPointsList().forEach(p -> out.add(name + ":"
                                + (long) p.getAsDouble()));
                        case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(p -> out.add(name + ":"
                                + p.getCount()));
                        case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsList()
                                .forEach(p -> out.add(name + ":" + p.getCount()));
                        case SUMMARY -> m.getSummary().getDataPointsList().forEach(p -> out.add(name + ":"
                                + p.getCount()));
                        case DATA_NOT_SET -> out.add(name + ":none");
                    }
                }
            }
        }
        return out;
    }

    private static List<String> records(byte[] body) throws Exception {
        List<String> out = new ArrayList<>();
        for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(body).getResourceLogsList()) {
            String resource = rl.getResource().getAttributes(0).getValue().getStringValue();
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                sl.getLogRecordsList().forEach(r -> out.add(resource + "/" + sl.getScope().getName() + "/"
                        + r.getBody().getStringValue()));
            }
        }
        return out;
    }

    private static Resource service(String name) {
        return Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue(name))).build();
    }

    @Test
    void metricsAreHalvedAtTheMetricBoundaryWhenItFallsThere() throws Exception {
        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.METRICS, Otlp.metrics(3, 3).toByteArray());

        assertThat(points(h.first())).containsExactly("/queue.depth:0", "/queue.depth:1", "/queue.depth:2");
        assertThat(points(h.second())).containsExactly("/requests:0", "/requests:1", "/requests:2");
        assertThat(h.firstItems()).isEqualTo(3);
        assertThat(h.secondItems()).isEqualTo(3);
    }

    @Test
    void aMetricAcrossTheMiddleIsCutIntoBothHalvesKeepingItsNameAndKind() throws Exception {
        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.METRICS, Otlp.metrics(2, 5).toByteArray());

        assertThat(points(h.first())).containsExactly("/queue.depth:0", "/queue.depth:1", "/requests:0");
        assertThat(points(h.second())).containsExactly("/requests:1", "/requests:2", "/requests:3", "/requests:4");
        assertThat(h.firstItems()).isEqualTo(3);
        assertThat(h.secondItems()).isEqualTo(4);
        Metric cut = ExportMetricsServiceRequest.parseFrom(h.second()).getResourceMetrics(0).getScopeMetrics(0)
                .getMetrics(0);
        assertThat(cut.getSum().getIsMonotonic()).as("the sum's own fields travel with each part").isTrue();
    }

    @Test
    void everyKindOfDataPointIsCutAndNoMetricWithoutPointsIsLost() throws Exception {
        Metric histogram = Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
                .addDataPoints(HistogramDataPoint.newBuilder().setCount(1))
                .addDataPoints(HistogramDataPoint.newBuilder().setCount(2))).build();
        Metric exponential = Metric.newBuilder().setName("size").setExponentialHistogram(ExponentialHistogram
                .newBuilder().addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(3))
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(4))).build();
        Metric summary = Metric.newBuilder().setName("gc").setSummary(Summary.newBuilder()
                .addDataPoints(SummaryDataPoint.newBuilder().setCount(5))
                .addDataPoints(SummaryDataPoint.newBuilder().setCount(6))).build();
        Metric empty = Metric.newBuilder().setName("declared").build();
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
                ResourceMetrics.newBuilder().setResource(service("api")).addScopeMetrics(ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("s")).addMetrics(empty)
                        .addMetrics(histogram).addMetrics(exponential).addMetrics(summary))).build();

        // Six points: the cut falls inside each kind in turn as the request is rearranged.
        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.METRICS, request.toByteArray());
        assertThat(points(h.first())).containsExactly("api/s/declared:none", "api/s/latency:1", "api/s/latency:2",
                "api/s/size:3");
        assertThat(points(h.second())).containsExactly("api/s/size:4", "api/s/gc:5", "api/s/gc:6");

        ExportMetricsServiceRequest histogramsCut = request.toBuilder().setResourceMetrics(0, request
                .getResourceMetrics(0).toBuilder().setScopeMetrics(0, ScopeMetrics.newBuilder().setScope(
                        InstrumentationScope.newBuilder().setName("s")).addMetrics(histogram)
                        .addMetrics(summary).addMetrics(exponential))).build();
        h = PassthroughSplit.halves(Signal.METRICS, histogramsCut.toByteArray());
        assertThat(points(h.first())).containsExactly("api/s/latency:1", "api/s/latency:2", "api/s/gc:5");
        assertThat(points(h.second())).containsExactly("api/s/gc:6", "api/s/size:3", "api/s/size:4");

        ExportMetricsServiceRequest oneHistogram = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
                ResourceMetrics.newBuilder().setResource(service("api")).addScopeMetrics(ScopeMetrics.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("s")).addMetrics(histogram))).build();
        h = PassthroughSplit.halves(Signal.METRICS, oneHistogram.toByteArray());
        assertThat(points(h.first())).containsExactly("api/s/latency:1");
        assertThat(points(h.second())).containsExactly("api/s/latency:2");
    }

    /** A resource with one gauge of two data points. */
    private static ResourceMetrics gauge(String service) {
        ResourceMetrics rm = Otlp.metrics(2, 0).getResourceMetrics(0);
        return rm.toBuilder().setResource(service(service))
                .setScopeMetrics(0, rm.getScopeMetrics(0).toBuilder().removeMetrics(1)).build();
    }

    @Test
    void aResourceWhollyInOneHalfDoesNotAppearEmptyInTheOther() throws Exception {
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(gauge("a")).addResourceMetrics(gauge("b"))
                .build();

        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.METRICS, request.toByteArray());

        assertThat(ExportMetricsServiceRequest.parseFrom(h.first()).getResourceMetricsCount()).isEqualTo(1);
        assertThat(ExportMetricsServiceRequest.parseFrom(h.second()).getResourceMetricsCount()).isEqualTo(1);
        assertThat(points(h.first())).containsExactly("a//queue.depth:0", "a//queue.depth:1");
        assertThat(points(h.second())).containsExactly("b//queue.depth:0", "b//queue.depth:1");
        ExportMetricsServiceRequest first = ExportMetricsServiceRequest.parseFrom(h.first());
        assertThat(first.getResourceMetrics(0).getScopeMetricsCount()).as("no empty scope left behind")
                .isEqualTo(1);
        assertThat(first.getResourceMetrics(0).getScopeMetrics(0).getMetricsCount()).isEqualTo(1);
    }

    @Test
    void logsAreHalvedByRecordsAcrossScopesAndResources() throws Exception {
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().setResource(service("a"))
                        .addScopeLogs(scope("x", "1"))
                        .addScopeLogs(scope("y", "2", "3", "4")))
                .addResourceLogs(ResourceLogs.newBuilder().setResource(service("b"))
                        .addScopeLogs(scope("z", "5")))
                .build();

        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.LOGS, request.toByteArray());

        assertThat(records(h.first())).containsExactly("a/x/1", "a/y/2");
        assertThat(records(h.second())).containsExactly("a/y/3", "a/y/4", "b/z/5");
        assertThat(h.firstItems()).isEqualTo(2);
        assertThat(h.secondItems()).isEqualTo(3);
        assertThat(ExportLogsServiceRequest.parseFrom(h.first()).getResourceLogsCount()).isEqualTo(1);
    }

    private static ScopeLogs scope(String name, String... bodies) {
        ScopeLogs.Builder sl = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(name));
        for (String body : bodies) {
            sl.addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(body)));
        }
        return sl.build();
    }

    @Test
    void logsCutAtAScopeBoundaryLeaveNoEmptyScope() throws Exception {
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().setResource(service("a"))
                        .addScopeLogs(scope("x", "1", "2")).addScopeLogs(scope("y", "3", "4")))
                .build();

        PassthroughSplit.Halves h = PassthroughSplit.halves(Signal.LOGS, request.toByteArray());

        assertThat(ExportLogsServiceRequest.parseFrom(h.first()).getResourceLogs(0).getScopeLogsCount()).isEqualTo(1);
        assertThat(ExportLogsServiceRequest.parseFrom(h.second()).getResourceLogs(0).getScopeLogsCount())
                .isEqualTo(1);
        assertThat(records(h.second())).containsExactly("a/y/3", "a/y/4");
    }

    @Test
    void fewerThanTwoItemsOrAnUndecodableBodyCannotBeHalved() {
        assertThat(PassthroughSplit.halves(Signal.METRICS, Otlp.metrics(1, 0).toByteArray())).isNull();
        assertThat(PassthroughSplit.halves(Signal.LOGS, Otlp.logs(1).toByteArray())).isNull();
        assertThat(PassthroughSplit.halves(Signal.LOGS, new byte[] {(byte) 0xff, 0x01})).isNull();
        assertThat(PassthroughBatch.logRecords(Otlp.logs(2))).isEqualTo(2);
        assertThat(PassthroughSplit.halves(Signal.LOGS, Otlp.logs(2).toByteArray())).isNotNull();
    }
}
