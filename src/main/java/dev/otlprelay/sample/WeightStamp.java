package dev.otlprelay.sample;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a kept span for one destination: how many spans it stands for, which rule kept it and why, and the
 * OpenTelemetry consistent-probability threshold.
 *
 * <ul>
 *   <li>{@code SampleRate} (int) = incoming rate × the route's {@link Decision#weight()}. The incoming rate is the
 *       first usable one of the span's {@code SampleRate}, the span's {@code sampleRate}, the resource's
 *       {@code SampleRate}, the resource's {@code sampleRate}: an int, a double or a numeric string, at least 1
 *       (anything else is ignored). Incoming rates are multiplied, never overwritten; the value used is kept,
 *       as received, in {@code sampling.original_sample_rate}. Both spellings are removed from the span, and from
 *       the resource the span leaves with, so only the product remains. A double product is rounded; the
 *       product saturates at {@link Long#MAX_VALUE}.</li>
 *   <li>{@code sampling.rule} and {@code sampling.reason}: the decision's rule and reason.</li>
 *   <li>W3C {@code tracestate}: when the decision is probabilistic, {@code th:<threshold>} is written into the
 *       {@code ot} entry (14 hex digits, trailing zeros removed, {@code 0} for 0), keeping the entry's other
 *       sub-keys ({@code rv:} ...) and other vendors' entries; otherwise an existing {@code th} sub-key is erased,
 *       with the {@code ot} entry if nothing is left in it. A changed {@code ot} entry moves to the front, as W3C
 *       asks of modified entries.</li>
 * </ul>
 */
final class WeightStamp {
    static final String SAMPLE_RATE = "SampleRate";
    static final String SAMPLE_RATE_LOWER = "sampleRate";
    static final String ORIGINAL_SAMPLE_RATE = "sampling.original_sample_rate";
    static final String RULE = "sampling.rule";
    static final String REASON = "sampling.reason";
    /** W3C trace-context: a tracestate carries at most 32 list members. */
    private static final int MAX_TRACESTATE_MEMBERS = 32;

    private WeightStamp() {
    }

    /** The span as it leaves for a destination whose decision is {@code decision} (a kept one). */
    static Span stamp(Span span, Resource resource, Decision decision) {
        AnyValue incoming = incomingRate(span.getAttributesList());
        if (incoming == null) {
            incoming = incomingRate(resource.getAttributesList());
        }
        long product = incoming == null ? decision.weight() : times(rate(incoming), decision.weight());

        Span.Builder out = span.toBuilder().clearAttributes();
        for (KeyValue kv : span.getAttributesList()) {
            if (!written(kv.getKey())) {
                out.addAttributes(kv);
            }
        }
        out.addAttributes(KeyValue.newBuilder().setKey(SAMPLE_RATE).setValue(AnyValue.newBuilder().setIntValue(product)));
        if (incoming != null) {
            out.addAttributes(KeyValue.newBuilder().setKey(ORIGINAL_SAMPLE_RATE).setValue(incoming));
        }
        out.addAttributes(string(RULE, decision.rule()));
        out.addAttributes(string(REASON, decision.reason()));
        String traceState = traceState(span.getTraceState(), decision.threshold());
        if (!traceState.equals(span.getTraceState())) {
            out.setTraceState(traceState);
        }
        return out.build();
    }

    /** The resource without incoming rate attributes (the product is on each span); the same one if it has none. */
    static Resource withoutRates(Resource resource) {
        boolean any = false;
        for (KeyValue kv : resource.getAttributesList()) {
            any |= isRateKey(kv.getKey());
        }
        if (!any) {
            return resource;
        }
        Resource.Builder out = resource.toBuilder().clearAttributes();
        for (KeyValue kv : resource.getAttributesList()) {
            if (!isRateKey(kv.getKey())) {
                out.addAttributes(kv);
            }
        }
        return out.build();
    }

    private static boolean isRateKey(String key) {
        return key.equals(SAMPLE_RATE) || key.equals(SAMPLE_RATE_LOWER);
    }

    private static boolean written(String key) {
        return isRateKey(key) || key.equals(ORIGINAL_SAMPLE_RATE) || key.equals(RULE) || key.equals(REASON);
    }

    /** The first usable rate among the attributes, {@code SampleRate} before {@code sampleRate}; or null. */
    private static AnyValue incomingRate(List<KeyValue> attributes) {
        AnyValue lower = null;
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(SAMPLE_RATE) && rate(kv.getValue()) >= 1) {
                return kv.getValue();
            }
            if (lower == null && kv.getKey().equals(SAMPLE_RATE_LOWER) && rate(kv.getValue()) >= 1) {
                lower = kv.getValue();
            }
        }
        return lower;
    }

    /** The numeric value of a rate attribute, or NaN. */
    static double rate(AnyValue value) {
        switch (value.getValueCase()) {
            case INT_VALUE:
                return value.getIntValue();
            case DOUBLE_VALUE:
                return value.getDoubleValue();
            case STRING_VALUE:
                try {
                    return Double.parseDouble(value.getStringValue().trim());
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            default:
                return Double.NaN;
        }
    }

    private static long times(double rate, long weight) {
        if (rate == Math.rint(rate) && rate < 0x1p63) {
            long whole = (long) rate;
            long hi = Math.multiplyHigh(whole, weight);
            long lo = whole * weight;
            return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
        }
        double product = rate * weight;
        return product >= 0x1p63 ? Long.MAX_VALUE : Math.max(1, Math.round(product));
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    /**
     * The W3C tracestate with {@code th} set in the {@code ot} entry (threshold ≥ 0) or erased (threshold < 0).
     * Returns {@code traceState} itself when nothing changes.
     */
    static String traceState(String traceState, long threshold) {
        boolean write = threshold >= 0;
        if (!write && !traceState.contains("th:")) {
            return traceState;
        }
        List<String> others = new ArrayList<>();
        String ot = null;
        for (String raw : traceState.split(",")) {
            String member = raw.strip();
            if (member.isEmpty()) {
                continue;
            }
            int eq = member.indexOf('=');
            String key = eq < 0 ? member : member.substring(0, eq).strip();
            if (key.equals("ot")) {
                // A second "ot" entry is malformed; the first one wins and the rest are dropped.
                if (ot == null) {
                    ot = eq < 0 ? "" : member.substring(eq + 1).strip();
                }
            } else {
                others.add(member);
            }
        }
        List<String> subKeys = new ArrayList<>();
        boolean hadThreshold = false;
        if (ot != null) {
            for (String sub : ot.split(";")) {
                String s = sub.strip();
                if (s.startsWith("th:")) {
                    hadThreshold = true;
                } else if (!s.isEmpty()) {
                    subKeys.add(s);
                }
            }
        }
        if (!write && !hadThreshold) {
            return traceState;
        }
        if (write) {
            subKeys.add(0, "th:" + TraceRandomness.thresholdHex(threshold));
        }
        StringBuilder out = new StringBuilder();
        int members = 0;
        if (!subKeys.isEmpty()) {
            out.append("ot=").append(String.join(";", subKeys));
            members++;
        }
        for (String member : others) {
            if (members == MAX_TRACESTATE_MEMBERS) {
                break;
            }
            if (members > 0) {
                out.append(',');
            }
            out.append(member);
            members++;
        }
        return out.toString();
    }
}
