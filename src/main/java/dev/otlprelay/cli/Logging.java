package dev.otlprelay.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/** One line per log record on stderr, with the logger's short name: readable in {@code docker logs}. */
public final class Logging {
    private Logging() {
    }

    public static void configure(PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StreamHandler(err, new OneLine()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        // Third-party records may quote a client's header, the key among them (HeaderRedaction).
        handler.setFilter(new HeaderRedaction());
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Netty and gRPC are chatty at INFO about internals users cannot act on.
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
        Logger.getLogger("io.grpc").setLevel(Level.WARNING);
    }

    /** {@code 2026-11-23T09:00:00.123Z INFO  Relay: message}. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            String shortName = name.substring(name.lastIndexOf('.') + 1);
            StringBuilder sb = new StringBuilder(128)
                    .append(Instant.ofEpochMilli(r.getMillis()))
                    .append(' ').append(String.format("%-5s", r.getLevel().getName().replace("WARNING", "WARN")
                            .replace("SEVERE", "ERROR")))
                    .append(' ').append(shortName).append(": ").append(formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(" (").append(r.getThrown()).append(')');
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }
}
