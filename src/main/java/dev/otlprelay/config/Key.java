package dev.otlprelay.config;

import java.util.function.LongFunction;

/**
 * One configuration key, described once (in {@link Keys}): the section it sits in, its name, the environment
 * variable that overrides it, the kind of value it takes, its default and what it means.
 *
 * @param section the dotted path of its section ({@code honeycomb.spool})
 * @param env     the environment variable that overrides the file, or null; these names are a contract
 * @param reading how the loader reads it
 * @param kind    the kind of its value ({@link Reading#VALUE}) or of each item ({@link Reading#LIST}); for
 *                {@link Reading#OWN}, one that only names it ({@link ValueKind#named}); null for a section
 * @param dflt    the default from the JVM's max heap (most defaults do not depend on it); null for a section
 * @param heapRule how the default is sized from the heap ({@link MemoryBounds}), in words; null for a fixed default
 * @param summary what the key means, in one line, for the key reference (docs/configuration.md): markdown, links
 *                relative to docs/; for a nested section, a sentence shown under its heading
 */
record Key<T>(String section, String name, String env, Reading reading, ValueKind<T> kind, LongFunction<?> dflt,
              String heapRule, String summary) {

    enum Reading {
        /** One value of {@code kind}. */
        VALUE,
        /** A YAML list of {@code kind} items, or one string of them separated by commas. */
        LIST,
        /**
         * Read by a reader of its own: the API key by {@link ApiKeySource}, statuses by {@link KeyReader#statuses},
         * conditions by {@link Conditions}.
         */
        OWN,
        /** A nested section: its keys are the keys whose section is this key's path. */
        SECTION
    }

    /** The default is a share of the heap, so {@code config/relay.yaml} shows it commented out. */
    boolean fromHeap() {
        return heapRule != null;
    }

    /** {@code section.name}, as problems and the effective configuration name it. */
    String path() {
        return section + "." + name;
    }

    /** The default of a {@link Reading#VALUE} key for a JVM with this max heap. */
    @SuppressWarnings("unchecked")
    T defaultValue(long maxHeapBytes) {
        return (T) dflt.apply(maxHeapBytes);
    }
}
