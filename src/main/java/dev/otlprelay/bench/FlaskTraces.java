package dev.otlprelay.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The traces a Flask backend instrumented with the OpenTelemetry Python SDK sends (the seeds' {@code backend-flask}):
 * a server root span with the Flask instrumentation's HTTP attributes, internal spans of the app, PostgreSQL,
 * Cognito and DynamoDB client spans, a few events, and at {@code errorShare} of the traces a 500 with an exception
 * event on the failing child.
 *
 * <p>Spans leave in the order a {@code BatchSpanProcessor} exports them: each as it ends (children before their
 * parent), with {@code openTraces} requests being served at once, cut into requests of {@code spansPerRequest}.
 * So one trace's spans are often spread over two requests, as a relay that samples per trace must cope with.
 */
public final class FlaskTraces {
    private static final Resource RESOURCE = Resource.newBuilder()
            .addAttributes(str("service.name", "backend-flask"))
            .addAttributes(str("telemetry.sdk.language", "python"))
            .addAttributes(str("telemetry.sdk.name", "opentelemetry"))
            .addAttributes(str("telemetry.sdk.version", "1.21.0"))
            .addAttributes(str("service.instance.id", "4b0c1f0e-6d1a-4a8e-9f3b-2f5d8c7a9e10"))
            .addAttributes(str("host.name", "ip-10-0-1-23.ec2.internal"))
            .addAttributes(str("cloud.provider", "aws"))
            .addAttributes(str("cloud.platform", "aws_ecs"))
            .build();
    private static final String FLASK = "opentelemetry.instrumentation.flask";
    private static final String PSYCOPG = "opentelemetry.instrumentation.psycopg";
    private static final String REQUESTS = "opentelemetry.instrumentation.requests";
    private static final String BOTOCORE = "opentelemetry.instrumentation.botocore";
    private static final String APP = "backend-flask";
    private static final String[] HANDLES = {"andrewbrown", "bayko", "londo", "altbrown", "jdoe"};
    private static final String TRACEBACK = """
            Traceback (most recent call last):
              File "/backend-flask/app.py", line 187, in data_home
                data = HomeActivities.run(cognito_user_id=claims['username'])
              File "/backend-flask/services/home_activities.py", line 31, in run
                results = db.query_array_json(sql)
              File "/backend-flask/lib/db.py", line 76, in query_array_json
                cur.execute(wrapped_sql, params)
              File "/usr/local/lib/python3.10/site-packages/psycopg/cursor.py", line 723, in execute
                raise ex.with_traceback(None)
            psycopg.errors.UndefinedTable: relation "public.activities" does not exist
            LINE 1: SELECT activities.uuid, users.display_name FROM public.activities
            """;

    /**
     * What to build.
     *
     * @param traces          distinct traces in the pool (each is sent once per round with fresh ids)
     * @param spansPerRequest spans in each request (the last request of the pool may hold fewer)
     * @param errorShare      share of traces that fail with a 500, 0 to 1
     * @param openTraces      traces in progress at once, whose spans interleave
     * @param seed            makes the pool reproducible
     */
    public record Shape(int traces, int spansPerRequest, double errorShare, int openTraces, long seed) {
        public Shape {
            if (traces < 1) {
                throw new IllegalArgumentException("traces: " + traces + " (expected: >= 1)");
            }
            if (spansPerRequest < 1) {
                throw new IllegalArgumentException("spansPerRequest: " + spansPerRequest + " (expected: >= 1)");
            }
            if (!(errorShare >= 0 && errorShare <= 1)) {
                throw new IllegalArgumentException("errorShare: " + errorShare + " (expected: 0 to 1)");
            }
            if (openTraces < 1) {
                throw new IllegalArgumentException("openTraces: " + openTraces + " (expected: >= 1)");
            }
        }
    }

    /** One span and the instrumentation scope that made it. */
    private record Emitted(String scope, Span span) {
    }

    private FlaskTraces() {
    }

    /**
     * The pool: every trace complete within it, spans in export order, cut into requests.
     *
     * @param epochNanos start time of the first trace (its seconds also open every trace id, as X-Ray ids do)
     */
    public static List<ExportTraceServiceRequest> requests(Shape shape, long epochNanos) {
        SplittableRandom random = new SplittableRandom(shape.seed());
        List<Emitted> stream = new ArrayList<>();
        List<List<Emitted>> open = new ArrayList<>();
        List<Integer> cursor = new ArrayList<>();
        int next = 0;
        while (next < shape.traces() || !open.isEmpty()) {
            while (open.size() < shape.openTraces() && next < shape.traces()) {
                long start = epochNanos + next * 1_000_000L;
                open.add(trace(isError(next, shape.errorShare()), random, start));
                cursor.add(0);
                next++;
            }
            int pick = random.nextInt(open.size());
            List<Emitted> spans = open.get(pick);
            int at = cursor.get(pick);
            stream.add(spans.get(at));
            if (at + 1 == spans.size()) {
                int last = open.size() - 1;
                open.set(pick, open.get(last));
                cursor.set(pick, cursor.get(last));
                open.remove(last);
                cursor.remove(last);
            } else {
                cursor.set(pick, at + 1);
            }
        }
        List<ExportTraceServiceRequest> requests = new ArrayList<>();
        for (int from = 0; from < stream.size(); from += shape.spansPerRequest()) {
            requests.add(request(stream.subList(from, Math.min(stream.size(), from + shape.spansPerRequest()))));
        }
        return requests;
    }

    /** Exactly {@code floor(traces × share)} errors, evenly spread: trace i fails when i × share crosses an integer. */
    static boolean isError(int index, double share) {
        return Math.floor((index + 1) * share) > Math.floor(index * share);
    }

    private static ExportTraceServiceRequest request(List<Emitted> spans) {
        Map<String, ScopeSpans.Builder> scopes = new LinkedHashMap<>();
        for (Emitted e : spans) {
            scopes.computeIfAbsent(e.scope(), name -> ScopeSpans.newBuilder().setScope(InstrumentationScope
                    .newBuilder().setName(name).setVersion(name.equals(APP) ? "" : "0.42b0"))).addSpans(e.span());
        }
        ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(RESOURCE)
                .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0");
        scopes.values().forEach(rs::addScopeSpans);
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build();
    }

    // ---- one trace -------------------------------------------------------------------------------------------

    /** Builds one request's trace; returns its spans in the order they end. */
    private static List<Emitted> trace(boolean error, SplittableRandom random, long start) {
        TraceBuilder t = new TraceBuilder(random, start);
        int route = random.nextInt(100);
        if (route < 35) {
            t.server("GET", "/api/activities/home", "/api/activities/home", 200);
            int mock = t.child(t.root, APP, "home-activities-mock-data", SpanKind.SPAN_KIND_INTERNAL, 2,
                    str("app.now", "2026-11-23T09:00:00.000000+00:00"), num("app.result_length", 3));
            t.event(mock, "results-loaded", num("app.result_length", 3));
            t.child(mock, PSYCOPG, "SELECT", SpanKind.SPAN_KIND_CLIENT, 8, sql("SELECT activities.uuid, "
                    + "users.display_name, users.handle, activities.message, activities.created_at FROM "
                    + "public.activities LEFT JOIN public.users ON users.uuid = activities.user_uuid ORDER BY "
                    + "activities.created_at DESC"));
        } else if (route < 50) {
            String handle = HANDLES[random.nextInt(HANDLES.length)];
            t.server("GET", "/api/activities/@<string:handle>", "/api/activities/@" + handle, 200);
            int user = t.child(t.root, APP, "user-activities", SpanKind.SPAN_KIND_INTERNAL, 1,
                    str("app.handle", handle));
            t.child(user, PSYCOPG, "SELECT", SpanKind.SPAN_KIND_CLIENT, 4,
                    sql("SELECT users.uuid, users.display_name FROM public.users WHERE users.handle = %(handle)s"));
            t.child(user, PSYCOPG, "SELECT", SpanKind.SPAN_KIND_CLIENT, 6, sql("SELECT activities.uuid, "
                    + "activities.message FROM public.activities WHERE activities.user_uuid = %(uuid)s"));
        } else if (route < 65) {
            t.server("GET", "/api/message_groups", "/api/message_groups", 200);
            cognito(t);
            int groups = t.child(t.root, APP, "message-groups", SpanKind.SPAN_KIND_INTERNAL, 1,
                    str("app.user_uuid", "5c2a8e1e-97e0-4b0e-9cf3-6e3b0f4d3a21"));
            dynamo(t, groups);
        } else if (route < 75) {
            String group = uuid(random);
            t.server("GET", "/api/messages/<string:message_group_uuid>", "/api/messages/" + group, 200);
            cognito(t);
            dynamo(t, t.root);
        } else if (route < 85) {
            t.server("POST", "/api/activities", "/api/activities", 200);
            int create = t.child(t.root, APP, "create-activity", SpanKind.SPAN_KIND_INTERNAL, 1,
                    num("app.ttl_days", 7));
            t.event(create, "validated", str("app.message_length", "42"));
            t.child(create, PSYCOPG, "INSERT", SpanKind.SPAN_KIND_CLIENT, 5, sql("INSERT INTO public.activities "
                    + "(user_uuid, message, expires_at) VALUES ((SELECT uuid FROM public.users WHERE "
                    + "users.handle = %(handle)s LIMIT 1), %(message)s, %(expires_at)s) RETURNING uuid"));
        } else {
            t.server("GET", "/api/health-check", "/api/health-check", 200);
        }
        if (error) {
            t.fail();
        }
        return t.finish();
    }

    private static void cognito(TraceBuilder t) {
        t.child(t.root, REQUESTS, "GET", SpanKind.SPAN_KIND_CLIENT, 12, str("http.method", "GET"),
                str("http.url", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_N7WWGl3KC/.well-known/"
                        + "jwks.json"), num("http.status_code", 200));
    }

    private static void dynamo(TraceBuilder t, int parent) {
        t.child(parent, BOTOCORE, "DynamoDB.Query", SpanKind.SPAN_KIND_CLIENT, 9, str("rpc.system", "aws-api"),
                str("rpc.service", "DynamoDB"), str("rpc.method", "Query"), str("aws.region", "us-east-1"),
                str("db.system", "dynamodb"), str("aws.dynamodb.table_names", "cruddur-messages"),
                str("aws.request_id", "7QK0R3C5HDUT0M1V8N4LAO8JGFVV4KQNSO5AEMVJF66Q9ASUAAJG"),
                num("http.status_code", 200), num("retry_attempts", 0));
    }

    private static KeyValue[] sql(String statement) {
        return new KeyValue[] {str("db.system", "postgresql"), str("db.name", "cruddur"),
            str("db.statement", statement), str("db.user", "postgres"), str("net.peer.name", "db"),
            num("net.peer.port", 5432)};
    }

    private static String uuid(SplittableRandom random) {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** The spans of one trace while they are being laid out in time. */
    private static final class TraceBuilder {
        private final SplittableRandom random;
        private final byte[] traceId = new byte[16];
        private final List<Span.Builder> spans = new ArrayList<>();
        private final List<String> scopes = new ArrayList<>();
        /** Where the next child of each span may start: children run one after another. */
        private final List<Long> cursors = new ArrayList<>();
        private final List<Integer> parents = new ArrayList<>();
        final int root = 0;

        TraceBuilder(SplittableRandom random, long start) {
            this.random = random;
            long seconds = start / 1_000_000_000L;
            for (int i = 0; i < 4; i++) {
                traceId[i] = (byte) (seconds >>> (24 - 8 * i));
            }
            for (int i = 4; i < 16; i++) {
                traceId[i] = (byte) random.nextInt(256);
            }
            cursors.add(start);
            parents.add(-1);
        }

        void server(String method, String route, String target, int status) {
            long start = cursors.get(0);
            spans.add(Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(spanId())
                    .setName(route).setKind(SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(start)
                    .addAttributes(str("http.method", method)).addAttributes(str("http.server_name", "0.0.0.0"))
                    .addAttributes(str("http.scheme", "http")).addAttributes(num("net.host.port", 4567))
                    .addAttributes(str("http.host", "localhost:4567")).addAttributes(str("http.target", target))
                    .addAttributes(str("net.peer.ip", "172.18.0." + (2 + random.nextInt(200))))
                    .addAttributes(str("http.user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
                            + "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36"))
                    .addAttributes(num("net.peer.port", 30000 + random.nextInt(30000)))
                    .addAttributes(str("http.flavor", "1.1")).addAttributes(str("http.route", route))
                    .addAttributes(num("http.status_code", status)));
            scopes.add(FLASK);
            cursors.set(0, start + 200_000L + random.nextInt(300_000));
        }

        /** Adds a child that starts after its parent's previous children; returns its index. */
        int child(int parent, String scope, String name, SpanKind kind, int typicalMillis, KeyValue... attributes) {
            long start = cursors.get(parent) + 50_000L + random.nextInt(200_000);
            long duration = typicalMillis * 500_000L + random.nextLong(typicalMillis * 1_000_000L);
            Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(spanId())
                    .setParentSpanId(spans.get(parent).getSpanId()).setName(name).setKind(kind)
                    .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration);
            for (KeyValue a : attributes) {
                s.addAttributes(a);
            }
            spans.add(s);
            scopes.add(scope);
            parents.add(parent);
            cursors.add(start + 20_000L);
            cursors.set(parent, start + duration);
            encloses(parent, start + duration);
            return spans.size() - 1;
        }

        /** A parent lasts at least until its children have ended, up to the root. */
        private void encloses(int span, long childEnd) {
            for (int i = span; i != root; i = parents.get(i)) {
                Span.Builder s = spans.get(i);
                if (s.getEndTimeUnixNano() >= childEnd + 10_000L) {
                    return;
                }
                s.setEndTimeUnixNano(childEnd + 10_000L);
                cursors.set(parents.get(i), Math.max(cursors.get(parents.get(i)), childEnd + 10_000L));
                childEnd += 10_000L;
            }
        }

        void event(int span, String name, KeyValue... attributes) {
            Span.Builder s = spans.get(span);
            Span.Event.Builder e = Span.Event.newBuilder().setName(name)
                    .setTimeUnixNano(s.getStartTimeUnixNano() + 10_000L);
            for (KeyValue a : attributes) {
                e.addAttributes(a);
            }
            s.addEvents(e);
        }

        /** The request fails: the last child (or the root) raises, and the server answers 500. */
        void fail() {
            Span.Builder failing = spans.get(spans.size() - 1);
            failing.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
                    .setMessage("UndefinedTable: relation \"public.activities\" does not exist"));
            failing.addEvents(Span.Event.newBuilder().setName("exception")
                    .setTimeUnixNano(failing.getStartTimeUnixNano() + 30_000L)
                    .addAttributes(str("exception.type", "psycopg.errors.UndefinedTable"))
                    .addAttributes(str("exception.message", "relation \"public.activities\" does not exist"))
                    .addAttributes(str("exception.stacktrace", TRACEBACK))
                    .addAttributes(str("exception.escaped", "False")));
            Span.Builder root = spans.get(0);
            for (int i = 0; i < root.getAttributesCount(); i++) {
                if (root.getAttributes(i).getKey().equals("http.status_code")) {
                    root.setAttributes(i, num("http.status_code", 500));
                }
            }
            root.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }

        /** Ends the root after its last child and returns the spans in the order they end. */
        List<Emitted> finish() {
            spans.get(0).setEndTimeUnixNano(cursors.get(0) + 100_000L + random.nextInt(400_000));
            List<Emitted> out = new ArrayList<>(spans.size());
            for (int i = 0; i < spans.size(); i++) {
                out.add(new Emitted(scopes.get(i), spans.get(i).build()));
            }
            // The root ends last; a child ends before its parent, as the SDK's BatchSpanProcessor sees them.
            out.sort(Comparator.comparingLong((Emitted e) -> e.span().getParentSpanId().isEmpty() ? 1 : 0)
                    .thenComparingLong(e -> e.span().getEndTimeUnixNano()));
            return out;
        }

        private ByteString spanId() {
            byte[] id = new byte[8];
            long v;
            do {
                v = random.nextLong();
            } while (v == 0);
            for (int i = 0; i < 8; i++) {
                id[i] = (byte) (v >>> (56 - 8 * i));
            }
            return ByteString.copyFrom(id);
        }
    }

    static KeyValue str(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue num(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }
}
