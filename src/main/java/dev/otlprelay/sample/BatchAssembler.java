package dev.otlprelay.sample;

import dev.otlprelay.pipeline.ClientContext;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the requests one destination receives from the kept spans of the traces decided together: spans are
 * stamped ({@link WeightStamp}) and regrouped under their resource and scope, one batch per client (spans that
 * came with different Honeycomb keys are never merged), and a batch is sealed once it reaches
 * {@code maxBatchBytes}.
 */
final class BatchAssembler {
    private final long maxBatchBytes;
    private final Map<ClientContext, OpenRequest> open = new LinkedHashMap<>();
    private final List<TraceBatch> sealed = new ArrayList<>();

    private record ResourceKey(Resource resource, String schemaUrl) {
    }

    private record ScopeKey(InstrumentationScope scope, String schemaUrl) {
    }

    /** A batch being filled for one client. */
    private static final class OpenRequest {
        final Map<ResourceKey, Map<ScopeKey, List<Span>>> spans = new LinkedHashMap<>();
        long bytes;
        int count;
        long receivedNanos = Long.MAX_VALUE;
    }

    BatchAssembler(long maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    void add(SpanRef ref, ClientContext client, Decision decision, long receivedNanos) {
        Span stamped = WeightStamp.stamp(ref.span(), ref.resource(), decision);
        OpenRequest batch = open.computeIfAbsent(client, c -> new OpenRequest());
        batch.spans.computeIfAbsent(new ResourceKey(ref.resource(), ref.resourceSchemaUrl()), k -> new LinkedHashMap<>())
                .computeIfAbsent(new ScopeKey(ref.scope(), ref.scopeSchemaUrl()), k -> new ArrayList<>())
                .add(stamped);
        batch.bytes += stamped.getSerializedSize();
        batch.count++;
        batch.receivedNanos = Math.min(batch.receivedNanos, receivedNanos);
        if (batch.bytes >= maxBatchBytes) {
            sealed.add(seal(client, batch));
            open.remove(client);
        }
    }

    /** Every batch built so far; the assembler is empty afterwards. */
    List<TraceBatch> finish() {
        open.forEach((client, batch) -> sealed.add(seal(client, batch)));
        open.clear();
        List<TraceBatch> out = List.copyOf(sealed);
        sealed.clear();
        return out;
    }

    private static TraceBatch seal(ClientContext client, OpenRequest batch) {
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        batch.spans.forEach((resource, scopes) -> {
            ResourceSpans.Builder rs = ResourceSpans.newBuilder()
                    .setResource(WeightStamp.withoutRates(resource.resource()))
                    .setSchemaUrl(resource.schemaUrl());
            scopes.forEach((scope, spans) -> rs.addScopeSpans(ScopeSpans.newBuilder()
                    .setScope(scope.scope()).setSchemaUrl(scope.schemaUrl()).addAllSpans(spans)));
            request.addResourceSpans(rs);
        });
        ExportTraceServiceRequest built = request.build();
        return new TraceBatch(built, batch.count, built.getSerializedSize(), client, batch.receivedNanos);
    }
}
