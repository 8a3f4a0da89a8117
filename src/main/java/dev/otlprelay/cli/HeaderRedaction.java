package dev.otlprelay.cli;

import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Keeps header values out of the log. The relay's own code never logs a key (only {@code Secret.fingerprint()}), but
 * third-party code may quote what a client sent: grpc-java logs, at WARNING, {@code Metadata key=x-honeycomb-team,
 * value=[84, 69, 78, …] contains invalid ASCII characters} — the whole key as bytes — when a value holds a control
 * byte, and the JDK's HTTP client puts a header's value in the text of the exception it throws for an invalid one.
 *
 * <p>So a record from outside {@code dev.otlprelay} that mentions a header value or the key's header has what follows
 * {@code value=} (or the header's name) replaced with {@code [redacted]}, and an exception whose text mentions them
 * is replaced by its type. Nothing is dropped: the record still says what went wrong.
 */
final class HeaderRedaction implements Filter {
    /** Header names whose values are secrets, or that a client may fill with one. */
    private static final String[] SENSITIVE = {"x-honeycomb-team", "authorization"};
    private static final String REDACTED = "[redacted]";
    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    @Override
    public boolean isLoggable(LogRecord record) {
        String logger = record.getLoggerName();
        if (logger != null && logger.startsWith("dev.otlprelay.")) {
            return true;
        }
        String message = record.getMessage() == null ? null : FORMATTER.formatMessage(record);
        String redacted = redact(message);
        if (redacted != null && !redacted.equals(message)) {
            record.setMessage(redacted);
            record.setParameters(null);
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && quotesAHeader(thrown)) {
            record.setThrown(null);
            record.setMessage((record.getMessage() == null ? "" : record.getMessage()) + " (" + thrown.getClass().getName()
                    + ", its message " + REDACTED + ")");
            record.setParameters(null);
        }
        return true;
    }

    /** The text with every value after a header mention redacted; the text itself when it mentions none. */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int value = lower.indexOf("value=");
        if (value >= 0 && (lower.contains("metadata key=") || mentionsSensitive(lower))) {
            return text.substring(0, value + "value=".length()) + REDACTED;
        }
        for (String name : SENSITIVE) {
            int at = lower.indexOf(name);
            if (at >= 0) {
                return text.substring(0, at + name.length()) + " " + REDACTED;
            }
        }
        return text;
    }

    private static boolean mentionsSensitive(String lower) {
        for (String name : SENSITIVE) {
            if (lower.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an exception's text, or a cause's, may hold a header's value. */
    private static boolean quotesAHeader(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (mentionsSensitive(m) || m.contains("header") || m.contains("metadata key=")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
