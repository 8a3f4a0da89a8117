package dev.otlprelay.export;

import dev.otlprelay.pipeline.Batch;
import dev.otlprelay.pipeline.PassthroughBatch;
import dev.otlprelay.pipeline.TraceBatch;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Prints one line per batch — services, span count and the first span names — so that a newcomer running the
 * relay without a Honeycomb key sees their spans arrive.
 */
public final class DebugExporter implements Exporter {
    private static final int NAMES_SHOWN = 5;
    private final Consumer<String> out;

    public DebugExporter(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "debug";
    }

    @Override
    public int export(Batch batch) {
        out.accept(describe(batch));
        return 0;
    }

    static String describe(Batch batch) {
        if (batch instanceof PassthroughBatch p) {
            return "debug: " + p.signal().label() + " request, " + p.sizeBytes() + " bytes ("
                    + p.encoding().name().toLowerCase() + ", " + p.client().transport() + ")";
        }
        TraceBatch t = (TraceBatch) batch;
        Set<String> services = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        for (ResourceSpans rs : t.request().getResourceSpansList()) {
            services.add(serviceName(rs));
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    if (names.size() < NAMES_SHOWN) {
                        names.add(s.getName());
                    }
                }
            }
        }
        String more = t.spanCount() > names.size() ? ", …" : "";
        return "debug: service=" + String.join(",", services) + " spans=" + t.spanCount() + " names=["
                + String.join(", ", names) + more + "] via " + t.client().transport();
    }

    private static String serviceName(ResourceSpans rs) {
        for (KeyValue kv : rs.getResource().getAttributesList()) {
            if (kv.getKey().equals("service.name")) {
                return kv.getValue().getStringValue();
            }
        }
        return "unknown_service";
    }
}
