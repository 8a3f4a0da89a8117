package dev.otlprelay.export.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The error flags and the {@code cause} block. HTTP status decides first: 4xx is {@code error} (429 also
 * {@code throttle}), 5xx is {@code fault}; otherwise a span status ERROR is a {@code fault}. Exceptions come from
 * the span's {@code exception} events.
 */
record CauseSection(boolean error, boolean throttle, boolean fault, List<ExceptionEntry> exceptions) {

    /**
     * One exception object; {@code rawStack} is the stack text when it could not be parsed (kept in metadata).
     *
     * @param cause id of the exception that caused this one (a Java {@code Caused by:})
     */
    record ExceptionEntry(String id, String type, String message, boolean remote, List<StackTraces.Frame> frames,
                     String cause, String rawStack) {
    }

    private static final String EXCEPTION_EVENT = "exception";

    /**
     * The section, or null when the span reports neither an error nor an exception.
     *
     * @param status the span's HTTP status ({@link HttpSection#status}), or null
     */
    static CauseSection of(Span span, Long status) {
        boolean error = false;
        boolean throttle = false;
        boolean fault = false;
        if (status != null && status >= 400 && status <= 499) {
            error = true;
            throttle = status == 429;
        } else if (status != null && status >= 500 && status <= 599) {
            fault = true;
        } else if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            fault = true;
        }
        List<ExceptionEntry> exceptions = exceptions(span);
        if (!error && !fault && exceptions.isEmpty()) {
            return null;
        }
        return new CauseSection(error, throttle, fault, exceptions);
    }

    private static List<ExceptionEntry> exceptions(Span span) {
        boolean statusError = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
        if (span.getEventsCount() == 0 && !statusError) {
            // Most spans: no exception, and no status message to stand for one.
            return List.of();
        }
        boolean remote = span.getKind() == SpanKind.SPAN_KIND_CLIENT || span.getKind() == SpanKind.SPAN_KIND_PRODUCER;
        List<ExceptionEntry> out = new ArrayList<>(0);
        int index = 0;
        for (Span.Event event : span.getEventsList()) {
            if (!EXCEPTION_EVENT.equals(event.getName())) {
                continue;
            }
            String type = null;
            String message = null;
            String stack = null;
            for (KeyValue kv : event.getAttributesList()) {
                switch (kv.getKey()) {
                    case "exception.type" -> type = nonEmpty(kv.getValue().getStringValue());
                    case "exception.message" -> message = nonEmpty(kv.getValue().getStringValue());
                    case "exception.stacktrace" -> stack = nonEmpty(kv.getValue().getStringValue());
                    default -> {
                    }
                }
            }
            String id = Ids.exceptionId(span.getSpanId(), index++);
            StackTraces.Parsed parsed = StackTraces.parse(stack);
            if (parsed == null) {
                out.add(new ExceptionEntry(id, type, message, remote, List.of(), null, stack));
                continue;
            }
            List<StackTraces.Cause> causes = parsed.causes();
            String causeId = causes.isEmpty() ? null : Ids.exceptionId(span.getSpanId(), index);
            out.add(new ExceptionEntry(id, type, message, remote, parsed.frames(), causeId, null));
            for (int i = 0; i < causes.size(); i++) {
                StackTraces.Cause c = causes.get(i);
                String ownId = Ids.exceptionId(span.getSpanId(), index++);
                String next = i + 1 < causes.size() ? Ids.exceptionId(span.getSpanId(), index) : null;
                out.add(new ExceptionEntry(ownId, c.type(), c.message(), remote, c.frames(), next, null));
            }
        }
        if (out.isEmpty() && statusError && !span.getStatus().getMessage().isEmpty()) {
            // No exception event: the status message is all there is to say why.
            out.add(new ExceptionEntry(Ids.exceptionId(span.getSpanId(), 0), null, span.getStatus().getMessage(),
                    remote, List.of(), null, null));
        }
        return out;
    }

    private static String nonEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    /** Whether any exception's stack text is kept unparsed. */
    boolean hasRawStacks() {
        for (ExceptionEntry e : exceptions) {
            if (e.rawStack() != null) {
                return true;
            }
        }
        return false;
    }

    void writeFlags(JsonGenerator g) throws IOException {
        if (error) {
            g.writeBooleanField("error", true);
        }
        if (throttle) {
            g.writeBooleanField("throttle", true);
        }
        if (fault) {
            g.writeBooleanField("fault", true);
        }
    }

    void writeCause(JsonGenerator g, Limits limits) throws IOException {
        int count = Math.min(exceptions.size(), limits.maxExceptions());
        if (count == 0) {
            return;
        }
        g.writeObjectFieldStart("cause");
        g.writeArrayFieldStart("exceptions");
        for (int i = 0; i < count; i++) {
            ExceptionEntry e = exceptions.get(i);
            g.writeStartObject();
            g.writeStringField("id", e.id());
            if (e.type() != null) {
                g.writeStringField("type", limits.clip(e.type()));
            }
            if (e.message() != null) {
                g.writeStringField("message", limits.clip(e.message()));
            }
            if (e.remote()) {
                g.writeBooleanField("remote", true);
            }
            if (e.cause() != null && i + 1 < count) {
                g.writeStringField("cause", e.cause());
            }
            int frames = Math.min(e.frames().size(), limits.maxFrames());
            if (frames < e.frames().size()) {
                g.writeNumberField("truncated", e.frames().size() - frames);
            }
            if (frames > 0) {
                g.writeArrayFieldStart("stack");
                for (int f = 0; f < frames; f++) {
                    StackTraces.Frame frame = e.frames().get(f);
                    g.writeStartObject();
                    if (frame.path() != null) {
                        g.writeStringField("path", limits.clip(frame.path()));
                    }
                    if (frame.line() > 0) {
                        g.writeNumberField("line", frame.line());
                    }
                    if (frame.label() != null) {
                        g.writeStringField("label", limits.clip(frame.label()));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** {@code "exception.stacktraces": {id: text}} for traces that could not be parsed (written in metadata). */
    void writeRawStacks(JsonGenerator g, Limits limits) throws IOException {
        g.writeObjectFieldStart("exception.stacktraces");
        for (ExceptionEntry e : exceptions) {
            if (e.rawStack() != null) {
                g.writeStringField(e.id(), limits.clip(e.rawStack()));
            }
        }
        g.writeEndObject();
    }
}
