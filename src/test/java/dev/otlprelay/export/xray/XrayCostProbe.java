package dev.otlprelay.export.xray;

import static dev.otlprelay.export.xray.XraySpans.ROOT;
import static dev.otlprelay.export.xray.XraySpans.num;
import static dev.otlprelay.export.xray.XraySpans.span;
import static dev.otlprelay.export.xray.XraySpans.str;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.entities.SegmentImpl;
import com.amazonaws.xray.entities.TraceID;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rough cost of the hot path, for docs/xray.md (not a test; for the stages per span use the JMH benchmarks,
 * docs/performance.md):
 * {@code java -cp <test classpath> dev.otlprelay.export.xray.XrayCostProbe}. Compares translating and writing a
 * Flask server span with Jackson's streaming generator against building and serialising the same document with
 * the X-Ray SDK's entity model.
 */
public final class XrayCostProbe {
    private XrayCostProbe() {
    }

    public static void main(String[] args) {
        ResourceView resource = ResourceView.of(XraySpans.flask());
        Span server = span("/api/activities/home", SpanKind.SPAN_KIND_SERVER, ROOT, null,
                str("http.method", "GET"), str("http.scheme", "http"), str("http.host", "localhost:4567"),
                str("http.target", "/api/activities/home"), str("net.peer.ip", "127.0.0.1"),
                str("http.user_agent", "curl/8.5.0"), str("http.flavor", "1.1"),
                str("http.route", "/api/activities/home"), num("http.status_code", 200)).build();
        Span child = span("home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, "a1b2c3d4e5f60718", ROOT,
                str("app.now", "2026-11-23T09:00:00+00:00"), num("app.result_length", 3)).build();
        SegmentTranslator translator = new SegmentTranslator(new Annotations(List.of("app.result_length"), false,
                false));
        DatagramEncoder encoder = new DatagramEncoder(DatagramEncoder.MAX_DATAGRAM_BYTES);
        SegmentDocument doc = translator.translate(server, resource);

        int n = 500_000;
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                encoder.encode(translator.translate((i & 1) == 0 ? server : child, resource));
                sink += encoder.datagram().remaining();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                encoder.encode(doc);
                sink += encoder.datagram().remaining();
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: translate+encode %.0f ns/span; encode only (server) %.0f ns%n", round,
                    (t1 - t0) / (double) n, (t2 - t1) / (double) n);
        }
        encoder.encode(doc);
        System.out.println("server datagram bytes: " + encoder.datagram().remaining());

        long c0 = System.nanoTime();
        AWSXRayRecorder recorder = AWSXRayRecorderBuilder.standard().build();
        System.out.printf("SDK recorder construction: %.0f ms%n", (System.nanoTime() - c0) / 1e6);
        int m = 200_000;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                sink += sdkSegment(recorder).length();
            }
            System.out.printf("round %d: SDK entity build+serialize %.0f ns/segment%n", round,
                    (System.nanoTime() - t0) / (double) m);
        }
        System.out.println(sink == 42 ? "" : "done");
    }

    /** The same server document through the SDK's entity model (values already extracted: its best case). */
    private static String sdkSegment(AWSXRayRecorder recorder) {
        SegmentImpl seg = new SegmentImpl(recorder, "backend-flask",
                TraceID.fromString("1-5759e988-bd862e3fe1be46a994272793"));
        seg.setId("53995c3f42cd8ad8");
        seg.setStartTime(1.763888400123456E9);
        seg.setEndTime(1.763888400373456E9);
        Map<String, Object> request = new HashMap<>();
        request.put("method", "GET");
        request.put("url", "http://localhost:4567/api/activities/home");
        request.put("user_agent", "curl/8.5.0");
        request.put("client_ip", "127.0.0.1");
        seg.putHttp("request", request);
        seg.putHttp("response", Map.of("status", 200));
        seg.putAws("xray", Map.of("sdk", "opentelemetry for python", "sdk_version", "1.21.0"));
        String[][] metadata = {{"otel.span.name", "/api/activities/home"}, {"http.method", "GET"},
            {"http.scheme", "http"}, {"http.host", "localhost:4567"}, {"http.target", "/api/activities/home"},
            {"net.peer.ip", "127.0.0.1"}, {"http.user_agent", "curl/8.5.0"}, {"http.flavor", "1.1"},
            {"http.route", "/api/activities/home"}, {"otel.resource.service.name", "backend-flask"},
            {"otel.resource.telemetry.sdk.language", "python"},
            {"otel.resource.telemetry.sdk.name", "opentelemetry"},
            {"otel.resource.telemetry.sdk.version", "1.21.0"}};
        for (String[] kv : metadata) {
            seg.putMetadata("default", kv[0], kv[1]);
        }
        seg.putMetadata("default", "http.status_code", 200);
        return seg.serialize();
    }
}
