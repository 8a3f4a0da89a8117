package dev.otlprelay.export.honeycomb;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Honeycomb's ingest limits, checked before sending so that Honeycomb never drops silently what we could have
 * fixed or counted: string values over 65,535 bytes are truncated, events over 1 MB are dropped.
 * Spans whose encoded size is under the string limit cannot hold a long string, so the common case costs one
 * size lookup; for spans queued as received bytes the destination reads those sizes from the length prefixes
 * ({@link dev.otlprelay.pipeline.TraceWire#largestPart}) and does not call this at all.
 */
final class HoneycombLimits {
    static final int MAX_STRING_BYTES = 65_535;
    static final int MAX_EVENT_BYTES = 1_000_000;

    private HoneycombLimits() {
    }

    /** A span as it will be sent, how many values were truncated, or null when it must be dropped. */
    record Checked(Span span, int truncatedValues) {
    }

    static Checked check(Span span) {
        if (span.getSerializedSize() <= MAX_STRING_BYTES) {
            return new Checked(span, 0);
        }
        int[] truncated = {0};
        Span.Builder b = span.toBuilder();
        truncateAll(b.getAttributesBuilderList(), truncated);
        for (Span.Event.Builder e : b.getEventsBuilderList()) {
            truncateAll(e.getAttributesBuilderList(), truncated);
        }
        for (Span.Link.Builder l : b.getLinksBuilderList()) {
            truncateAll(l.getAttributesBuilderList(), truncated);
        }
        if (b.getName().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            b.setName(truncate(b.getName()));
            truncated[0]++;
        }
        Span out = truncated[0] == 0 ? span : b.build();
        if (out.getSerializedSize() > MAX_EVENT_BYTES) {
            return new Checked(null, truncated[0]);
        }
        return new Checked(out, truncated[0]);
    }

    /** Truncates long strings in resource attributes in place; returns how many. */
    static int truncateAll(List<KeyValue.Builder> attributes, int[] counter) {
        int before = counter[0];
        for (KeyValue.Builder kv : attributes) {
            truncateValue(kv.getValueBuilder(), counter);
        }
        return counter[0] - before;
    }

    private static void truncateValue(AnyValue.Builder v, int[] counter) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> {
                ByteString raw = v.getStringValueBytes();
                if (raw.size() > MAX_STRING_BYTES) {
                    v.setStringValue(truncate(v.getStringValue()));
                    counter[0]++;
                }
            }
            case ARRAY_VALUE -> {
                for (AnyValue.Builder e : v.getArrayValueBuilder().getValuesBuilderList()) {
                    truncateValue(e, counter);
                }
            }
            case KVLIST_VALUE -> {
                KeyValueList.Builder list = v.getKvlistValueBuilder();
                for (KeyValue.Builder kv : list.getValuesBuilderList()) {
                    truncateValue(kv.getValueBuilder(), counter);
                }
            }
            default -> {
            }
        }
    }

    /** The longest prefix of at most 65,535 UTF-8 bytes that does not split a character. */
    static String truncate(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_STRING_BYTES) {
            return s;
        }
        int end = MAX_STRING_BYTES;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }
}
