package dev.otlprelay.receive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnsafeByteOperations;
import dev.otlprelay.pipeline.Nesting;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The OTLP/JSON codec: the "JSON Protobuf Encoding" of the OTLP specification, read as leniently as the
 * OpenTelemetry Collector reads it (lowerCamelCase or snake_case keys, unknown keys ignored, enums as integers or
 * names, 64-bit integers as numbers or decimal strings, trace/span ids as hex of any case, other bytes as standard
 * or URL-safe base64 with optional padding) and written the way the specification asks (lowerCamelCase keys, enums
 * as integers, 64-bit integers as strings, ids as lowercase hex, default values omitted).
 *
 * <p>It is descriptor-driven: one generic walk over the protobuf {@link Descriptor}s with Jackson's streaming
 * parser, so traces, metrics, logs and the response messages share one implementation that follows the
 * {@code .proto} files by construction, without protobuf-java-util's {@code JsonFormat} (not a dependency, and
 * strict where the Collector is lenient) and without an intermediate JSON tree. The per-message key lookup maps
 * are computed once per {@link Descriptor}; the JSON path for error messages comes from Jackson's own parsing
 * context, so it costs nothing until an error is reported.
 *
 * <p>Not supported, because OTLP does not use them: protobuf map fields are read and written as arrays of
 * {@code {"key":…,"value":…}} entries rather than as JSON objects, and well-known types (Timestamp, wrappers,
 * Struct) get no special JSON form; {@code google.protobuf.Any} is written as {@code {"@type": typeUrl}} only,
 * with its {@code retryDelay} when it holds a {@code google.rpc.RetryInfo}.
 *
 * <p>Why one long file (over the house's ~400 lines): it is one job, a reader and a writer of the same mapping,
 * and each leniency above sits beside its strict counterpart; split by message the walk would be written once per
 * signal, split by direction a change to one field's form would have to be made twice.
 */
public final class OtlpJson {
    private static final String PREFIX = "invalid OTLP/JSON at ";
    private static final String ANY = "google.protobuf.Any";
    private static final String RETRY_INFO = "google.rpc.RetryInfo";
    private static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;
    /**
     * JSON nesting Jackson reads at all: far past what a span may hold ({@link Nesting#MAX_MESSAGE_DEPTH} messages,
     * about 4 JSON levels per 3 messages), so that a span nested too deep is refused alone, and small enough that
     * Jackson's parsing contexts (a linked list, not a stack of calls) stay a few hundred KiB.
     */
    private static final int MAX_NESTING_DEPTH = 10_000;
    /** A longer string cannot be an in-range integer; refusing it early keeps BigDecimal parsing cheap. */
    private static final int MAX_INTEGER_STRING = 64;
    /** Same guard for floating-point strings; generous because some encoders print exact decimal expansions. */
    private static final int MAX_DOUBLE_STRING = 1000;
    /** How many keys and indices an error message's path shows at most. */
    private static final int MAX_PATH_SEGMENTS = 16;
    /** How much of an offending value an error message quotes. */
    private static final int MAX_QUOTED = 64;

    /** One factory for all requests: it is thread-safe and shares its field-name symbol table across parsers. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            // Python's json module writes NaN and Infinity unquoted by default; accepting them costs nothing.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // Keys come from clients: canonicalize them (bounded table) but don't String.intern arbitrary input.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    /** JSON key (lowerCamelCase and snake_case) to field, computed once per message type. */
    private static final ConcurrentHashMap<Descriptor, Map<String, FieldDescriptor>> FIELDS =
            new ConcurrentHashMap<>();

    private static final byte[] HEX_VALUES = hexValues();
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private OtlpJson() {
    }

    /**
     * Parses OTLP/JSON (the OTLP spec's JSON encoding, as leniently as the OpenTelemetry Collector) into the given
     * builder. Empty input, whitespace, {@code null} and {@code {}} all leave the builder unchanged. On error the
     * builder may hold part of the body: discard it.
     *
     * @throws InvalidRequestException if the body is not JSON, or does not fit the message; the message names the
     *                                 JSON path, what was found and what was expected
     */
    public static <B extends Message.Builder> B merge(byte[] json, int offset, int length, B builder)
            throws InvalidRequestException {
        return merge(json, offset, length, builder, null);
    }

    /**
     * {@link #merge} for a trace request: a span that nests deeper than {@link Nesting#MAX_MESSAGE_DEPTH} messages
     * is left out and counted in {@code tooDeep}, instead of refusing the request.
     */
    static <B extends Message.Builder> B mergeTraces(byte[] json, int offset, int length, B builder,
                                                     SpanValidator.TooDeep tooDeep) throws InvalidRequestException {
        return merge(json, offset, length, builder, tooDeep);
    }

    private static <B extends Message.Builder> B merge(byte[] json, int offset, int length, B builder,
                                                       SpanValidator.TooDeep tooDeep) throws InvalidRequestException {
        Objects.checkFromIndexSize(offset, length, json.length);
        if (length == 0) {
            return builder;
        }
        JsonParser p = newParser(json, offset, length);
        try {
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return builder; // nothing but whitespace (or null): nothing was sent
            }
            if (first != JsonToken.START_OBJECT) {
                throw wrongType(p, first, "an object");
            }
            readObject(p, builder, tooDeep, 0);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw invalid(p, "found " + describe(trailing)
                        + " after the top-level object (expected the end of the body)");
            }
            return builder;
        } catch (JsonProcessingException e) {
            throw malformed(p, e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        } finally {
            closeQuietly(p);
        }
    }

    /**
     * Writes a message as OTLP/JSON: lowerCamelCase keys, enums as integers, 64-bit integers as decimal strings,
     * trace/span ids as lowercase hex, other bytes as base64, default values omitted, and
     * {@code google.protobuf.Any} (e.g. {@code Status.details}) as {@code {"@type": typeUrl}} (and a RetryInfo's
     * {@code retryDelay}).
     */
    public static byte[] write(MessageOrBuilder message) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeMessage(g, message);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------- reading

    private static JsonParser newParser(byte[] json, int offset, int length) {
        try {
            return FACTORY.createParser(json, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException("creating a parser over a byte array cannot fail", e);
        }
    }

    /**
     * Reads the members of an object whose START_OBJECT is the current token, up to its END_OBJECT.
     *
     * @param tooDeep where spans nested too deep are counted (trace requests), or null to refuse the request
     * @param depth   how many messages enclose this one
     */
    private static void readObject(JsonParser p, Message.Builder builder, SpanValidator.TooDeep tooDeep, int depth)
            throws IOException, InvalidRequestException {
        if (depth > Nesting.MAX_MESSAGE_DEPTH) {
            throw new TooDeepException(invalid(p, "messages nest deeper than " + Nesting.MAX_MESSAGE_DEPTH
                    + " levels (expected: attribute values nested at most " + Nesting.MAX_VALUE_DEPTH + " deep)")
                    .getMessage());
        }
        Map<String, FieldDescriptor> fields = fieldsByKey(builder.getDescriptorForType());
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
            FieldDescriptor field = fields.get(key);
            JsonToken token = p.nextToken();
            if (field == null || token == JsonToken.VALUE_NULL) {
                p.skipChildren(); // unknown key: newer senders may add fields; null: the field is absent
                continue;
            }
            if (field.isRepeated()) {
                readRepeated(p, token, field, builder, tooDeep, depth);
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                readMessageField(p, token, field, builder, tooDeep, depth);
            } else {
                builder.setField(field, readScalar(p, token, field));
            }
        }
    }

    private static void readMessageField(JsonParser p, JsonToken token, FieldDescriptor field,
                                         Message.Builder builder, SpanValidator.TooDeep tooDeep, int depth)
            throws IOException, InvalidRequestException {
        if (token != JsonToken.START_OBJECT) {
            throw wrongType(p, token, "an object");
        }
        Message.Builder nested = nestedBuilder(builder, field);
        if (nested != null) {
            readObject(p, nested, tooDeep, depth + 1); // generated builders: fill the nested builder in place, no copy
            return;
        }
        Message.Builder separate = builder.newBuilderForField(field);
        if (builder.hasField(field)) {
            separate.mergeFrom((Message) builder.getField(field)); // a repeated key merges, as in place
        }
        readObject(p, separate, tooDeep, depth + 1);
        builder.setField(field, separate.build());
    }

    /** The in-place builder of a singular message field, or null for builders (DynamicMessage) that have none. */
    private static Message.Builder nestedBuilder(Message.Builder builder, FieldDescriptor field) {
        try {
            return builder.getFieldBuilder(field);
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    private static void readRepeated(JsonParser p, JsonToken token, FieldDescriptor field, Message.Builder builder,
                                     SpanValidator.TooDeep tooDeep, int depth)
            throws IOException, InvalidRequestException {
        if (token != JsonToken.START_ARRAY) {
            throw wrongType(p, token, "an array");
        }
        boolean messages = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
        boolean spans = tooDeep != null && messages && field.getMessageType() == Span.getDescriptor();
        JsonStreamContext array = p.getParsingContext();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                continue; // lenient: a null element is no element
            }
            if (!messages) {
                builder.addRepeatedField(field, readScalar(p, t, field));
            } else if (spans) {
                readSpan(p, t, field, builder, tooDeep, depth, array);
            } else if (t == JsonToken.START_OBJECT) {
                Message.Builder element = builder.newBuilderForField(field);
                readObject(p, element, tooDeep, depth + 1);
                builder.addRepeatedField(field, element.build());
            } else {
                throw wrongType(p, t, "an object");
            }
        }
    }

    /** One element of a {@code spans} array; one nested too deep is skipped to its end and counted. */
    private static void readSpan(JsonParser p, JsonToken t, FieldDescriptor field, Message.Builder builder,
                                 SpanValidator.TooDeep tooDeep, int depth, JsonStreamContext array)
            throws IOException, InvalidRequestException {
        if (t != JsonToken.START_OBJECT) {
            throw wrongType(p, t, "an object");
        }
        Span.Builder span = Span.newBuilder();
        try {
            readObject(p, span, tooDeep, depth + 1);
        } catch (TooDeepException e) {
            while (p.getParsingContext() != array) { // iteratively, however deep it goes
                if (p.nextToken() == null) {
                    throw invalid(p, "the body ends inside the JSON (expected complete JSON; was the body truncated?)");
                }
            }
            String name = span.getName().isEmpty() ? "?" : span.getName();
            tooDeep.add(1, SpanValidator.tooDeepMessage("span \"" + name + "\"") + " (it nests deeper than "
                    + Nesting.MAX_MESSAGE_DEPTH + " messages)");
            tooDeep.rebuilt = true;
            return;
        }
        builder.addRepeatedField(field, span.build());
    }

    /** A message nested deeper than the relay decodes: the span holding it is refused, or else the request. */
    private static final class TooDeepException extends InvalidRequestException {
        private static final long serialVersionUID = 1L;

        TooDeepException(String message) {
            super(message);
        }
    }

    /** A non-message value in the Java type {@link Message.Builder#setField} expects for the field. */
    private static Object readScalar(JsonParser p, JsonToken token, FieldDescriptor field)
            throws IOException, InvalidRequestException {
        return switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> (int) readInteger(p, token, field, IntRange.INT32);
            case UINT32, FIXED32 -> (int) readInteger(p, token, field, IntRange.UINT32);
            case INT64, SINT64, SFIXED64 -> readInteger(p, token, field, IntRange.INT64);
            case UINT64, FIXED64 -> readInteger(p, token, field, IntRange.UINT64);
            case FLOAT -> (float) readDouble(p, token, field);
            case DOUBLE -> readDouble(p, token, field);
            case BOOL -> readBool(p, token);
            case STRING -> readString(p, token);
            case BYTES -> readBytes(p, token, field);
            case ENUM -> readEnum(p, token, field);
            case MESSAGE, GROUP -> throw new IllegalStateException("not a scalar field: " + field.getFullName());
        };
    }

    private static String readString(JsonParser p, JsonToken token) throws IOException, InvalidRequestException {
        if (token != JsonToken.VALUE_STRING) {
            throw wrongType(p, token, "a string");
        }
        return p.getText();
    }

    private static Boolean readBool(JsonParser p, JsonToken token) throws IOException, InvalidRequestException {
        if (token == JsonToken.VALUE_TRUE) {
            return Boolean.TRUE;
        }
        if (token == JsonToken.VALUE_FALSE) {
            return Boolean.FALSE;
        }
        if (token == JsonToken.VALUE_STRING) { // some encoders quote every scalar
            String text = p.getText();
            if (text.equals("true")) {
                return Boolean.TRUE;
            }
            if (text.equals("false")) {
                return Boolean.FALSE;
            }
            throw invalid(p, quote(text) + " is not a boolean (expected true or false)");
        }
        throw wrongType(p, token, "true or false");
    }

    /** The valid range of each integer kind; 64-bit unsigned values are carried in a long's bits. */
    private enum IntRange {
        INT32(Integer.MIN_VALUE, Integer.MAX_VALUE, BigInteger.valueOf(Integer.MAX_VALUE)),
        UINT32(0, 0xFFFF_FFFFL, BigInteger.valueOf(0xFFFF_FFFFL)),
        INT64(Long.MIN_VALUE, Long.MAX_VALUE, BigInteger.valueOf(Long.MAX_VALUE)),
        UINT64(0, Long.MAX_VALUE, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

        /** Bounds for values that fit a signed long (larger ones arrive as BigInteger). */
        final long min;
        final long max;
        final BigInteger bigMin;
        final BigInteger bigMax;

        IntRange(long min, long max, BigInteger bigMax) {
            this.min = min;
            this.max = max;
            this.bigMin = BigInteger.valueOf(min);
            this.bigMax = bigMax;
        }

        boolean contains(long value) {
            return value >= min && value <= max;
        }

        boolean contains(BigInteger value) {
            return value.compareTo(bigMin) >= 0 && value.compareTo(bigMax) <= 0;
        }

        String expected() {
            return "an integer from " + bigMin + " to " + bigMax;
        }
    }

    private static long readInteger(JsonParser p, JsonToken token, FieldDescriptor field, IntRange range)
            throws IOException, InvalidRequestException {
        switch (token) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return inRange(p, p.getBigIntegerValue(), range, p.getText());
                }
                long value = p.getLongValue();
                if (!range.contains(value)) {
                    throw outOfRange(p, p.getText(), range);
                }
                return value;
            case VALUE_NUMBER_FLOAT:
                if (p.isNaN()) { // NaN or ±Infinity, allowed unquoted for floating-point fields only
                    throw notAnInteger(p, p.getText(), field);
                }
                return integralValue(p, p.getDecimalValue(), range, p.getText(), field);
            case VALUE_STRING:
                return parseIntegerString(p, p.getText(), range, field);
            default:
                throw wrongType(p, token, "an integer (" + typeName(field) + ", as a JSON number or a decimal string)");
        }
    }

    /** 64-bit integers are usually strings (JSON numbers lose precision in JavaScript); plain decimals first. */
    private static long parseIntegerString(JsonParser p, String text, IntRange range, FieldDescriptor field)
            throws InvalidRequestException {
        if (text.length() > MAX_INTEGER_STRING) {
            throw notAnInteger(p, quote(text), field);
        }
        long value;
        try {
            value = range == IntRange.UINT64 ? Long.parseUnsignedLong(text) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return parseUnusualIntegerString(p, text, range, field);
        }
        if (range != IntRange.UINT64 && !range.contains(value)) {
            throw outOfRange(p, quote(text), range);
        }
        return value;
    }

    /** The slow path, for "1e3", "5.0", negative unsigned or more than 64 bits: decides precisely. */
    private static long parseUnusualIntegerString(JsonParser p, String text, IntRange range, FieldDescriptor field)
            throws InvalidRequestException {
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw notAnInteger(p, quote(text), field);
        }
        return integralValue(p, decimal, range, quote(text), field);
    }

    private static long integralValue(JsonParser p, BigDecimal decimal, IntRange range, String shown,
                                      FieldDescriptor field) throws InvalidRequestException {
        if (decimal.signum() == 0) {
            return 0;
        }
        // Digits before the decimal point; checked first so that "1e999999999" is never materialised.
        long integerDigits = (long) decimal.precision() - decimal.scale();
        if (integerDigits <= 0) {
            throw notAnInteger(p, shown, field);
        }
        if (integerDigits > 20) {
            throw outOfRange(p, shown, range);
        }
        BigInteger integer;
        try {
            integer = decimal.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw notAnInteger(p, shown, field);
        }
        return inRange(p, integer, range, shown);
    }

    private static long inRange(JsonParser p, BigInteger value, IntRange range, String shown)
            throws InvalidRequestException {
        if (!range.contains(value)) {
            throw outOfRange(p, shown, range);
        }
        return value.longValue(); // for uint64 above Long.MAX_VALUE: the same 64 bits, as protobuf stores them
    }

    private static double readDouble(JsonParser p, JsonToken token, FieldDescriptor field)
            throws IOException, InvalidRequestException {
        if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
            return p.getDoubleValue();
        }
        if (token != JsonToken.VALUE_STRING) {
            throw wrongType(p, token, "a number (" + typeName(field)
                    + ", as a JSON number, a numeric string, \"NaN\", \"Infinity\" or \"-Infinity\")");
        }
        String text = p.getText();
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (text.length() <= MAX_DOUBLE_STRING) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw invalid(p, quote(text) + " is not a number (expected " + typeName(field)
                + ": a JSON number, a numeric string, \"NaN\", \"Infinity\" or \"-Infinity\")");
    }

    private static EnumValueDescriptor readEnum(JsonParser p, JsonToken token, FieldDescriptor field)
            throws IOException, InvalidRequestException {
        EnumDescriptor type = field.getEnumType();
        if (token == JsonToken.VALUE_STRING) {
            String name = p.getText();
            EnumValueDescriptor value = type.findValueByName(name);
            if (value != null) {
                return value;
            }
            try {
                return enumValue(p, type, Integer.parseInt(name)); // a quoted number is still a number
            } catch (NumberFormatException e) {
                throw invalid(p, quote(name) + " is not a " + type.getName() + " value (expected an integer or "
                        + enumNames(type) + ")");
            }
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return enumValue(p, type, (int) readInteger(p, token, field, IntRange.INT32));
        }
        throw wrongType(p, token, "a " + type.getName() + " (an integer or " + enumNames(type) + ")");
    }

    /** Unknown numbers of open (proto3) enums are kept, as protobuf's binary decoder keeps them. */
    private static EnumValueDescriptor enumValue(JsonParser p, EnumDescriptor type, int number)
            throws InvalidRequestException {
        EnumValueDescriptor value = type.findValueByNumber(number);
        if (value != null) {
            return value;
        }
        if (type.isClosed()) {
            throw invalid(p, number + " is not a " + type.getName() + " value (expected " + enumNames(type) + ")");
        }
        return type.findValueByNumberCreatingIfUnknown(number);
    }

    private static String enumNames(EnumDescriptor type) {
        return type.getValues().stream()
                .map(v -> v.getName() + " (" + v.getNumber() + ")")
                .collect(Collectors.joining(", ", "one of ", ""));
    }

    private static ByteString readBytes(JsonParser p, JsonToken token, FieldDescriptor field)
            throws IOException, InvalidRequestException {
        int hexDigits = hexIdDigits(field);
        if (token != JsonToken.VALUE_STRING) {
            throw wrongType(p, token, hexDigits > 0 ? "a string of " + hexDigits + " hex digits" : "a base64 string");
        }
        return hexDigits > 0 ? readHexId(p, hexDigits) : readBase64(p);
    }

    /**
     * Trace and span ids are hex in OTLP/JSON (unlike all other bytes). Decoded straight from Jackson's buffer: this
     * runs for every span. The length is not checked: a wrong-length id rejects one span, later, not the request.
     */
    private static ByteString readHexId(JsonParser p, int expectedDigits) throws IOException, InvalidRequestException {
        char[] chars = p.getTextCharacters();
        int start = p.getTextOffset();
        int length = p.getTextLength();
        if (length == 0) {
            return ByteString.EMPTY;
        }
        if ((length & 1) != 0) {
            throw badHex(p, chars, start, length, expectedDigits);
        }
        byte[] bytes = new byte[length >> 1];
        for (int i = 0, c = start; i < bytes.length; i++, c += 2) {
            int high = hexValue(chars[c]);
            int low = hexValue(chars[c + 1]);
            if ((high | low) < 0) {
                throw badHex(p, chars, start, length, expectedDigits);
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return UnsafeByteOperations.unsafeWrap(bytes); // the array is ours alone: no defensive copy
    }

    private static InvalidRequestException badHex(JsonParser p, char[] chars, int start, int length,
                                                  int expectedDigits) {
        String text = new String(chars, start, length);
        boolean allHex = text.chars().allMatch(c -> hexValue((char) c) >= 0);
        String problem = allHex ? " has an odd number of hex digits" : " is not hex";
        return invalid(p, quote(text) + problem + " (expected " + expectedDigits + " hex digits)");
    }

    private static int hexValue(char c) {
        return c < HEX_VALUES.length ? HEX_VALUES[c] : -1;
    }

    /** Standard or URL-safe alphabet, padding optional (java.util.Base64 decoders accept both). */
    private static ByteString readBase64(JsonParser p) throws IOException, InvalidRequestException {
        String text = p.getText();
        boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        try {
            byte[] bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
            return UnsafeByteOperations.unsafeWrap(bytes);
        } catch (IllegalArgumentException e) {
            throw invalid(p, quote(text) + " is not base64 (expected standard or URL-safe base64, padding optional)");
        }
    }

    /** OTLP names its hex-encoded ids the same in every message (Span, Span.Link, LogRecord, Exemplar). */
    private static int hexIdDigits(FieldDescriptor field) {
        return switch (field.getName()) {
            case "trace_id" -> 32;
            case "span_id", "parent_span_id" -> 16;
            default -> 0;
        };
    }

    private static Map<String, FieldDescriptor> fieldsByKey(Descriptor type) {
        Map<String, FieldDescriptor> fields = FIELDS.get(type);
        return fields != null ? fields : FIELDS.computeIfAbsent(type, OtlpJson::indexFields);
    }

    /** Both spellings the Collector accepts: the JSON name (lowerCamelCase) and the .proto name (snake_case). */
    private static Map<String, FieldDescriptor> indexFields(Descriptor type) {
        Map<String, FieldDescriptor> byKey = new HashMap<>();
        for (FieldDescriptor field : type.getFields()) {
            byKey.put(field.getName(), field);
            byKey.put(field.getJsonName(), field);
        }
        return byKey;
    }

    private static byte[] hexValues() {
        byte[] values = new byte[128];
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < 10; i++) {
            values['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            values['a' + i] = (byte) (10 + i);
            values['A' + i] = (byte) (10 + i);
        }
        return values;
    }

    private static void closeQuietly(JsonParser p) {
        try {
            p.close();
        } catch (IOException e) {
            // closing a parser over a byte array only returns buffers to the pool
        }
    }

    // ---------------------------------------------------------------------------------------------- errors

    private static InvalidRequestException invalid(JsonParser p, String problem) {
        String path = path(p.getParsingContext());
        return new InvalidRequestException(PREFIX + (path.isEmpty() ? "the top level" : path) + ": " + problem);
    }

    private static InvalidRequestException wrongType(JsonParser p, JsonToken token, String expected) {
        return invalid(p, "expected " + expected + ", got " + describe(token));
    }

    private static InvalidRequestException outOfRange(JsonParser p, String shown, IntRange range) {
        return invalid(p, shown + " is out of range (expected " + range.expected() + ")");
    }

    private static InvalidRequestException notAnInteger(JsonParser p, String shown, FieldDescriptor field) {
        return invalid(p, shown + " is not an integer (expected " + typeName(field)
                + ": a JSON number or a decimal string without fraction)");
    }

    private static InvalidRequestException malformed(JsonParser p, JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return invalid(p, "the JSON exceeds a limit (" + e.getOriginalMessage() + ")");
        }
        if (e instanceof JsonEOFException) {
            return invalid(p, "the body ends inside the JSON" + location(e.getLocation())
                    + " (expected complete JSON; was the body truncated?)");
        }
        return invalid(p, "malformed JSON" + location(e.getLocation()) + ": " + withoutSource(e.getOriginalMessage()));
    }

    private static String location(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Jackson appends "(start marker at [Source: …])" to some messages; the client knows its own source. */
    private static String withoutSource(String message) {
        int source = message.indexOf(" (start marker at [Source");
        return source < 0 ? message : message.substring(0, source);
    }

    /** "resourceSpans[0].scopeSpans[0].spans[2].traceId", from Jackson's context stack, keys as the client sent them. */
    private static String path(JsonStreamContext innermost) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext context = innermost; context != null && !context.inRoot(); context = context.getParent()) {
            if (context.inArray()) {
                if (context.hasCurrentIndex()) { // no index yet: the error is about the array itself
                    segments.add("[" + context.getCurrentIndex() + "]");
                }
            } else if (context.hasCurrentName()) { // no name yet: the error is about the object itself
                segments.add(context.getCurrentName());
            }
        }
        Collections.reverse(segments);
        if (segments.size() > MAX_PATH_SEGMENTS) { // absurd nesting: keep both ends, where the client can look
            int total = segments.size();
            List<String> ends = new ArrayList<>(segments.subList(0, MAX_PATH_SEGMENTS / 2));
            ends.add("[..." + (total - MAX_PATH_SEGMENTS) + " more...]");
            ends.addAll(segments.subList(total - MAX_PATH_SEGMENTS / 2, total));
            segments = ends;
        }
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            if (path.length() > 0 && segment.charAt(0) != '[') {
                path.append('.');
            }
            path.append(segment);
        }
        return path.toString();
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the body";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static String typeName(FieldDescriptor field) {
        return field.getType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The offending value, JSON-quoted and shortened: it is echoed to the client, which may have sent megabytes. */
    private static String quote(String text) {
        int shown = Math.min(text.length(), MAX_QUOTED);
        StringBuilder quoted = new StringBuilder(shown + 24).append('"');
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        quoted.append('"');
        if (shown < text.length()) {
            quoted.append(" (first ").append(shown).append(" of ").append(text.length()).append(" characters)");
        }
        return quoted.toString();
    }

    // ---------------------------------------------------------------------------------------------- writing

    private static void writeMessage(JsonGenerator g, MessageOrBuilder message) throws IOException {
        g.writeStartObject();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                if (count == 0) {
                    continue;
                }
                g.writeFieldName(field.getJsonName());
                g.writeStartArray();
                for (int i = 0; i < count; i++) {
                    writeValue(g, field, message.getRepeatedField(field, i));
                }
                g.writeEndArray();
            } else if (message.hasField(field)) { // proto3: false for default values, true for set optionals
                g.writeFieldName(field.getJsonName());
                writeValue(g, field, message.getField(field));
            }
        }
        g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, FieldDescriptor field, Object value) throws IOException {
        switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> g.writeNumber((Integer) value);
            case UINT32, FIXED32 -> g.writeNumber(Integer.toUnsignedLong((Integer) value));
            // 64-bit integers are strings: JavaScript numbers cannot hold them exactly.
            case INT64, SINT64, SFIXED64 -> g.writeString(Long.toString((Long) value));
            case UINT64, FIXED64 -> g.writeString(Long.toUnsignedString((Long) value));
            case FLOAT -> writeDouble(g, (Float) value);
            case DOUBLE -> writeDouble(g, (Double) value);
            case BOOL -> g.writeBoolean((Boolean) value);
            case STRING -> g.writeString((String) value);
            case BYTES -> writeBytes(g, field, (ByteString) value);
            case ENUM -> g.writeNumber(((EnumValueDescriptor) value).getNumber());
            case MESSAGE, GROUP -> writeNested(g, (MessageOrBuilder) value);
        }
    }

    private static void writeDouble(JsonGenerator g, double value) throws IOException {
        if (Double.isNaN(value)) {
            g.writeString("NaN");
        } else if (Double.isInfinite(value)) {
            g.writeString(value > 0 ? "Infinity" : "-Infinity");
        } else {
            g.writeNumber(value);
        }
    }

    private static void writeDouble(JsonGenerator g, float value) throws IOException {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            writeDouble(g, (double) value);
        } else {
            g.writeNumber(value);
        }
    }

    private static void writeBytes(JsonGenerator g, FieldDescriptor field, ByteString bytes) throws IOException {
        if (hexIdDigits(field) > 0) {
            char[] hex = new char[bytes.size() * 2];
            for (int i = 0; i < bytes.size(); i++) {
                int b = bytes.byteAt(i) & 0xFF;
                hex[2 * i] = HEX_DIGITS[b >>> 4];
                hex[2 * i + 1] = HEX_DIGITS[b & 0xF];
            }
            g.writeString(hex, 0, hex.length);
        } else {
            g.writeString(Base64.getEncoder().encodeToString(bytes.toByteArray()));
        }
    }

    /** Any's payload would need its type's descriptor to be written as JSON; its type URL is what clients use. */
    private static void writeNested(JsonGenerator g, MessageOrBuilder message) throws IOException {
        Descriptor type = message.getDescriptorForType();
        if (!type.getFullName().equals(ANY)) {
            writeMessage(g, message);
            return;
        }
        String typeUrl = (String) message.getField(type.findFieldByName("type_url"));
        g.writeStartObject();
        g.writeStringField("@type", typeUrl);
        if (typeUrl.endsWith("/" + RETRY_INFO)) { // what the SDKs read from a 503: when to retry
            ByteString value = (ByteString) message.getField(type.findFieldByName("value"));
            com.google.rpc.RetryInfo retry = com.google.rpc.RetryInfo.parseFrom(value);
            if (retry.hasRetryDelay()) {
                g.writeStringField("retryDelay", duration(retry.getRetryDelay()));
            }
        }
        g.writeEndObject();
    }

    /** A Duration in proto3's JSON form: seconds with an "s" suffix, and 3, 6 or 9 fractional digits if needed. */
    static String duration(com.google.protobuf.Duration d) {
        String seconds = Long.toString(d.getSeconds());
        int nanos = Math.abs(d.getNanos());
        if (nanos == 0) {
            return seconds + "s";
        }
        String sign = d.getSeconds() == 0 && d.getNanos() < 0 ? "-" : "";
        String fraction = String.format("%09d", nanos);
        fraction = nanos % 1_000_000 == 0 ? fraction.substring(0, 3)
                : nanos % 1_000 == 0 ? fraction.substring(0, 6) : fraction;
        return sign + seconds + "." + fraction + "s";
    }
}
