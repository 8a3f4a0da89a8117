package dev.otlprelay.sample;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A sampler compiled from a rules file that follows the file: {@link #check()} (called every
 * {@code sampling.reload_interval}) compiles the file again when its content changed and swaps the new rules in
 * at once. A file that no longer compiles is refused: the error is logged and counted
 * ({@code otlp_relay_sampler_rule_reloads_total{result="refused"}}) and the last good rules stay in force.
 * Decisions in progress finish with the rules they started with; counters start afresh with new rules.
 */
public final class ReloadingSampler implements ExplainingSampler {
    private static final Logger LOG = Logger.getLogger(ReloadingSampler.class.getName());

    /** Compiles a rules file; throws with a message naming the file, the rule, the field and the allowed range. */
    @FunctionalInterface
    public interface Compiler {
        ExplainingSampler compile(Path file) throws Exception;
    }

    private final Path file;
    private final Compiler compiler;
    private final Counter reloaded;
    private final Counter refused;
    private volatile ExplainingSampler current;
    private byte[] digest;
    private byte[] refusedDigest;

    /** Compiles the file once; throws (the relay does not start) when it does not compile. */
    public ReloadingSampler(Path file, Compiler compiler, MeterRegistry registry) throws Exception {
        this.file = file;
        this.compiler = compiler;
        this.digest = digest(Files.readAllBytes(file));
        this.current = compiler.compile(file);
        this.reloaded = reloads(registry, "reloaded");
        this.refused = reloads(registry, "refused");
    }

    private static Counter reloads(MeterRegistry registry, String result) {
        return Counter.builder("otlp.relay.sampler.rule.reloads").tag("result", result)
                .description("Rules file changes taken (reloaded) or refused because the new file is broken")
                .register(registry);
    }

    @Override
    public Decision decide(TraceView trace) {
        return current.decide(trace);
    }

    @Override
    public boolean decidesOnRoot() {
        return current.decidesOnRoot();
    }

    @Override
    public List<Map<String, Object>> describe() {
        return current.describe();
    }

    @Override
    public Explanation explain(TraceView trace) {
        return current.explain(trace);
    }

    public Path file() {
        return file;
    }

    /** Compiles the file again if its content changed; returns true when new rules were swapped in. */
    /** True while the file cannot be read (reported once). */
    private boolean unreadable;

    public synchronized boolean check() {
        byte[] now;
        try {
            now = digest(Files.readAllBytes(file));
        } catch (IOException e) {
            // Deleted, or unreadable: reported once until the file reads again, whatever was refused before.
            if (!unreadable) {
                unreadable = true;
                refused.increment();
                LOG.warning("sampling rules " + file + ": cannot read the file (" + (e instanceof NoSuchFileException
                        ? "it was deleted" : e.toString()) + "); the last good rules stay in force");
            }
            return false;
        }
        if (unreadable) {
            unreadable = false;
            LOG.info("sampling rules " + file + " can be read again");
        }
        if (Arrays.equals(now, digest) || Arrays.equals(now, refusedDigest)) {
            return false; // unchanged, or the same broken content already reported
        }
        try {
            current = compiler.compile(file);
            digest = now;
            refusedDigest = null;
            reloaded.increment();
            LOG.info("sampling rules " + file + " reloaded: " + current.describe().size() + " rules in force");
            return true;
        } catch (Exception e) {
            refusedDigest = now;
            refused.increment();
            LOG.warning("sampling rules " + file + " changed but were refused; the last good rules stay in force: "
                    + e.getMessage());
            return false;
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }
}
