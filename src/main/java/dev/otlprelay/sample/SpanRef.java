package dev.otlprelay.sample;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/** One span with the resource and scope it arrived under: what a sampler needs to read a span whole. */
public record SpanRef(Resource resource, InstrumentationScope scope, String resourceSchemaUrl, String scopeSchemaUrl,
                      Span span) {
}
