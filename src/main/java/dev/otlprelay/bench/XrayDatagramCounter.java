package dev.otlprelay.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.otlprelay.config.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The X-Ray daemon's UDP socket, reduced to counting: each datagram must be the daemon's header line followed by
 * one JSON object that has {@code trace_id}, {@code id}, {@code name} and {@code start_time}; every subsegment nested
 * in it (in {@code subsegments} arrays, at any depth) must have {@code id}, {@code name} and {@code start_time}, and
 * counts as one more span. The JSON is tokenised, not bound to objects, which costs a few microseconds per document.
 */
final class XrayDatagramCounter implements AutoCloseable {
    static final byte[] HEADER = "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();

    private final SinkCounts counts;
    private final DatagramChannel channel;
    private final Thread reader;

    XrayDatagramCounter(HostPort address, SinkCounts counts) throws IOException {
        this.counts = counts;
        this.channel = DatagramChannel.open();
        // Large enough for bursts; the kernel caps it at net.core.rmem_max.
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024 * 1024);
        channel.bind(new InetSocketAddress(address.host(), address.port()));
        this.reader = new Thread(this::read, "sink-xray");
        reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        while (channel.isOpen()) {
            buffer.clear();
            try {
                channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            count(buffer.array(), buffer.position());
        }
    }

    /** Counts one datagram of {@code length} bytes as a segment, a subsegment or invalid, and the spans it holds. */
    void count(byte[] datagram, int length) {
        CheckedDocument checked = check(datagram, length);
        switch (checked.kind()) {
            case SEGMENT -> counts.xraySegments.increment();
            case SUBSEGMENT -> counts.xraySubsegments.increment();
            case INVALID -> {
                counts.xrayInvalid.increment();
                return;
            }
        }
        counts.xrayDatagrams.increment();
        counts.xraySpans.add(checked.spans());
    }

    enum DocumentKind { SEGMENT, SUBSEGMENT, INVALID }

    /** A datagram's kind (that of the document heading it) and the spans in it: the head and every nested one. */
    record CheckedDocument(DocumentKind kind, int spans) {
        static final CheckedDocument INVALID = new CheckedDocument(DocumentKind.INVALID, 0);
    }

    static CheckedDocument check(byte[] datagram, int length) {
        if (length <= HEADER.length || !Arrays.equals(datagram, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            return CheckedDocument.INVALID;
        }
        int spans = 1;
        boolean traceId = false;
        boolean id = false;
        boolean name = false;
        boolean startTime = false;
        boolean subsegment = false;
        try (JsonParser p = JSON.createParser(datagram, HEADER.length, length - HEADER.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return CheckedDocument.INVALID;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return CheckedDocument.INVALID;
                }
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "trace_id" -> traceId = value == JsonToken.VALUE_STRING;
                    case "id" -> id = value == JsonToken.VALUE_STRING;
                    case "name" -> name = value == JsonToken.VALUE_STRING;
                    case "start_time" -> startTime = value == JsonToken.VALUE_NUMBER_FLOAT
                            || value == JsonToken.VALUE_NUMBER_INT;
                    case "type" -> subsegment = value == JsonToken.VALUE_STRING && "subsegment".equals(p.getText());
                    case "subsegments" -> {
                        int nested = nested(p, value);
                        if (nested < 0) {
                            return CheckedDocument.INVALID;
                        }
                        spans += nested;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return CheckedDocument.INVALID;
            }
        } catch (IOException e) {
            return CheckedDocument.INVALID;
        }
        if (!(traceId && id && name && startTime)) {
            return CheckedDocument.INVALID;
        }
        return new CheckedDocument(subsegment ? DocumentKind.SUBSEGMENT : DocumentKind.SEGMENT, spans);
    }

    /**
     * Reads a {@code subsegments} array whose first token is {@code array}; returns the subsegments in it at any
     * depth, or -1 when one lacks {@code id}, {@code name} or {@code start_time} or the array is not one of objects.
     */
    private static int nested(JsonParser p, JsonToken array) throws IOException {
        if (array != JsonToken.START_ARRAY) {
            return -1;
        }
        int spans = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                return -1;
            }
            boolean id = false;
            boolean name = false;
            boolean startTime = false;
            spans++;
            for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = value == JsonToken.VALUE_STRING;
                    case "name" -> name = value == JsonToken.VALUE_STRING;
                    case "start_time" -> startTime = value == JsonToken.VALUE_NUMBER_FLOAT
                            || value == JsonToken.VALUE_NUMBER_INT;
                    case "subsegments" -> {
                        int deeper = nested(p, value);
                        if (deeper < 0) {
                            return -1;
                        }
                        spans += deeper;
                    }
                    default -> p.skipChildren();
                }
            }
            if (!(id && name && startTime)) {
                return -1;
            }
        }
        return spans;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a datagram socket does not fail in a way we could act on.
        }
    }
}
