package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.SerializableString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What the documents of one resource share, read once per {@code ResourceSpans}.
 *
 * @param serviceName    {@code service.name}, sanitised as a segment name
 * @param serviceVersion {@code service.version}, for the segment's {@code service} block
 * @param environment    where the service runs on AWS; null when the resource says it is elsewhere
 * @param metadataNames  the field name of each attribute in a segment's metadata ({@code otel.resource.} and the
 *                       key), position by position, encoded once rather than in every segment; null where the key
 *                       is not plain ASCII (see {@link JsonFields#plainName})
 */
record ResourceView(Attributes attributes, String serviceName, String serviceVersion,
                    AwsSection.Environment environment, List<SerializableString> metadataNames) {
    /** OpenTelemetry's own default when a service forgets to name itself. */
    static final String UNKNOWN_SERVICE = "unknown_service";

    static ResourceView of(Resource resource) {
        Attributes a = Attributes.of(resource.getAttributesList());
        return new ResourceView(a, Names.sanitize(a.string("service.name"), UNKNOWN_SERVICE),
                a.string("service.version"), AwsSection.Environment.of(a), metadataNames(a));
    }

    private static List<SerializableString> metadataNames(Attributes a) {
        SerializableString[] names = new SerializableString[a.list().size()];
        for (int i = 0; i < names.length; i++) {
            KeyValue kv = a.list().get(i);
            names[i] = JsonFields.plainName(SegmentDocument.RESOURCE_PREFIX + kv.getKey());
        }
        return Collections.unmodifiableList(Arrays.asList(names));
    }
}
