package dev.otlprelay.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.OtlpEncoding;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import dev.otlprelay.support.Otlp;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a newcomer without a Honeycomb key sees for each batch: one line naming its services and first spans. */
class DebugExporterTest {
    private static TraceBatch traces(ExportTraceServiceRequest request, int spans, String transport) {
        return new TraceBatch(request, spans, request.getSerializedSize(), new ClientContext(transport, null, null),
                0);
    }

    @Test
    void aTraceBatchIsOneLineWithItsServicesSpanCountAndNames() throws Exception {
        List<String> lines = new ArrayList<>();
        DebugExporter debug = new DebugExporter(lines::add);

        assertThat(debug.export(traces(Otlp.twoServices(), 3, "grpc"))).as("nothing dropped").isZero();

        assertThat(lines).containsExactly("debug: service=backend-flask,frontend spans=3 names=[a, b, c] via grpc");
        assertThat(debug.name()).isEqualTo("debug");
    }

    @Test
    void onlyTheFirstFiveNamesAreShownAndMoreIsMarked() {
        assertThat(DebugExporter.describe(traces(Otlp.validRequest(5), 5, "http")))
                .isEqualTo("debug: service=backend-flask spans=5 names=[span-0, span-1, span-2, span-3, span-4] via http");
        assertThat(DebugExporter.describe(traces(Otlp.validRequest(6), 6, "http")))
                .isEqualTo("debug: service=backend-flask spans=6 names=[span-0, span-1, span-2, span-3, span-4, …] via http");
    }

    @Test
    void aResourceWithoutAServiceNameIsShownAsUnknownService() {
        ExportTraceServiceRequest request = Otlp.validRequest(1);
        request = request.toBuilder().setResourceSpans(0, request.getResourceSpans(0).toBuilder()
                .setResource(Resource.newBuilder().addAttributes(io.opentelemetry.proto.common.v1.KeyValue
                        .newBuilder().setKey("host.name").setValue(io.opentelemetry.proto.common.v1.AnyValue
                                .newBuilder().setStringValue("web-1"))))).build();

        assertThat(DebugExporter.describe(traces(request, 1, "http")))
                .isEqualTo("debug: service=unknown_service spans=1 names=[span-0] via http");
    }

    @Test
    void aMetricsOrLogsRequestIsDescribedBySignalSizeAndEncoding() {
        PassthroughBatch metrics = new PassthroughBatch(PassthroughBatch.Signal.METRICS, new byte[120],
                OtlpEncoding.JSON, 120, new ClientContext("http", null, null), 0, 4);

        assertThat(DebugExporter.describe(metrics)).isEqualTo("debug: metrics request, 120 bytes (json, http)");
    }
}
