package dev.otlprelay.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Requests encoded once, before the load starts, so that the generator spends its time sending. The pool is sent
 * round after round; every round gets fresh trace ids by rewriting, in a copy of the encoded body, the last eight
 * bytes of each trace id (XOR with a value drawn from the round number). The first four bytes, the X-Ray
 * timestamp, stay. Spans of one trace share their id in every round because no trace crosses the pool's end.
 * Public for the JMH benchmarks ({@code src/bench/java}), which send the same requests.
 */
public final class RequestPool {
    public enum Encoding { PROTOBUF, JSON }

    private static final byte[] JSON_TRACE_ID = "\"traceId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private final Encoding encoding;
    private final byte[][] bodies;
    /** Per request: where each trace id's last eight bytes (protobuf) or last sixteen hex digits (JSON) start. */
    private final int[][] patches;
    private final int[] spans;
    /** Spans in the requests before index i of one round; the last entry is a whole round's spans. */
    private final long[] spansBefore;

    private RequestPool(Encoding encoding, byte[][] bodies, int[][] patches, int[] spans) {
        this.encoding = encoding;
        this.bodies = bodies;
        this.patches = patches;
        this.spans = spans;
        this.spansBefore = new long[spans.length + 1];
        for (int i = 0; i < spans.length; i++) {
            spansBefore[i + 1] = spansBefore[i] + spans[i];
        }
    }

    public static RequestPool of(List<ExportTraceServiceRequest> requests, Encoding encoding) {
        int n = requests.size();
        byte[][] bodies = new byte[n][];
        int[][] patches = new int[n][];
        int[] spans = new int[n];
        for (int i = 0; i < n; i++) {
            ExportTraceServiceRequest r = requests.get(i);
            Set<ByteBuffer> traceIds = new HashSet<>();
            for (ResourceSpans rs : r.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        traceIds.add(ByteBuffer.wrap(s.getTraceId().toByteArray()));
                        spans[i]++;
                    }
                }
            }
            bodies[i] = encoding == Encoding.JSON ? TraceJson.write(r) : r.toByteArray();
            patches[i] = encoding == Encoding.JSON ? jsonTraceIds(bodies[i]) : protobufTraceIds(bodies[i], traceIds);
            if (patches[i].length != spans[i]) {
                throw new IllegalStateException("found " + patches[i].length + " trace ids in request " + i
                        + " (expected: one per span, " + spans[i] + ")");
            }
        }
        return new RequestPool(encoding, bodies, patches, spans);
    }

    /** Span field 1 (trace_id) is tag 0x0A, length 0x10, then the 16 bytes; only known trace ids count. */
    private static int[] protobufTraceIds(byte[] body, Set<ByteBuffer> traceIds) {
        List<Integer> at = new ArrayList<>();
        for (int p = 0; p + 18 <= body.length; p++) {
            if (body[p] == 0x0A && body[p + 1] == 0x10 && traceIds.contains(ByteBuffer.wrap(body, p + 2, 16))) {
                at.add(p + 2 + 8);
                p += 17;
            }
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] jsonTraceIds(byte[] body) {
        List<Integer> at = new ArrayList<>();
        for (int p = 0; p + JSON_TRACE_ID.length + 32 <= body.length; p++) {
            if (Arrays.equals(body, p, p + JSON_TRACE_ID.length, JSON_TRACE_ID, 0, JSON_TRACE_ID.length)) {
                at.add(p + JSON_TRACE_ID.length + 16);
                p += JSON_TRACE_ID.length + 31;
            }
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    Encoding encoding() {
        return encoding;
    }

    public int size() {
        return bodies.length;
    }

    /** Spans in the request sent as number {@code sequence} (0, 1, 2, … across rounds). */
    public int spans(long sequence) {
        return spans[(int) (sequence % bodies.length)];
    }

    /** Spans in all requests before number {@code sequence}: the schedule of a paced load. */
    long spansBefore(long sequence) {
        long round = sequence / bodies.length;
        return round * spansBefore[bodies.length] + spansBefore[(int) (sequence % bodies.length)];
    }

    /** The body to send as number {@code sequence}: a fresh copy, trace ids rewritten for its round. */
    public byte[] body(long sequence) {
        int index = (int) (sequence % bodies.length);
        long round = sequence / bodies.length;
        byte[] body = bodies[index].clone();
        if (round == 0) {
            return body;
        }
        long salt = mix(round);
        for (int at : patches[index]) {
            if (encoding == Encoding.PROTOBUF) {
                for (int i = 0; i < 8; i++) {
                    body[at + i] ^= (byte) (salt >>> (56 - 8 * i));
                }
            } else {
                long v = HexFormat.fromHexDigitsToLong(new String(body, at, 16, StandardCharsets.US_ASCII)) ^ salt;
                byte[] digits = HEX.toHexDigits(v).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(digits, 0, body, at, 16);
            }
        }
        return body;
    }

    /** SplitMix64's finaliser: rounds 1, 2, 3 … become unrelated 64-bit values, none of them 0. */
    static long mix(long round) {
        long z = round * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
