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
 * one JSON object that has {@code trace_id}, {@code id}, {@code name} and {@code start_time}. The JSON is
 * tokenised, not bound to objects, which costs a few microseconds per document.
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

    /** Counts one datagram of {@code length} bytes as a segment, a subsegment or invalid. */
    void count(byte[] datagram, int length) {
        Kind kind = check(datagram, length);
        switch (kind) {
            case SEGMENT -> counts.xraySegments.increment();
            case SUBSEGMENT -> counts.xraySubsegments.increment();
            case INVALID -> {
                counts.xrayInvalid.increment();
                return;
            }
        }
        counts.xrayDatagrams.increment();
    }

    enum Kind { SEGMENT, SUBSEGMENT, INVALID }

    static Kind check(byte[] datagram, int length) {
        if (length <= HEADER.length || !Arrays.equals(datagram, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            return Kind.INVALID;
        }
        boolean traceId = false;
        boolean id = false;
        boolean name = false;
        boolean startTime = false;
        boolean subsegment = false;
        try (JsonParser p = JSON.createParser(datagram, HEADER.length, length - HEADER.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Kind.INVALID;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return Kind.INVALID;
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
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return Kind.INVALID;
            }
        } catch (IOException e) {
            return Kind.INVALID;
        }
        if (!(traceId && id && name && startTime)) {
            return Kind.INVALID;
        }
        return subsegment ? Kind.SUBSEGMENT : Kind.SEGMENT;
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
