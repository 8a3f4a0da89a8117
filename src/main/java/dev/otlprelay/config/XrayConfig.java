package dev.otlprelay.config;

import java.util.List;
import java.util.Objects;

/**
 * The X-Ray exporter (YAML section {@code xray}).
 *
 * @param enabled            {@code auto} (default: on when a daemon address is configured, by
 *                           {@code AWS_XRAY_DAEMON_ADDRESS} or {@code xray.daemon_address}), {@code true},
 *                           {@code false}
 * @param daemonAddress      the daemon's UDP address ({@code AWS_XRAY_DAEMON_ADDRESS}, default
 *                           127.0.0.1:2000); accepts {@code host:port} and the SDK's
 *                           {@code tcp:host:port udp:host:port} form (the UDP part is used)
 * @param daemonAddressSet   whether an address was configured explicitly (for {@code auto})
 * @param indexedAttributes  span/resource attribute keys sent as annotations ({@code xray.indexed_attributes})
 * @param indexAllAttributes every eligible attribute becomes an annotation ({@code xray.index_all_attributes})
 * @param annotateSampling   add the relay's sampling weight and rule as annotations
 *                           ({@code xray.annotate_sampling}, default false)
 * @param maxDatagramsPerSecond pacing cap ({@code xray.max_datagrams_per_second}, default 20000: twice a busy
 *                           sidecar's load, so that a backlog drains; 0 = unpaced; see docs/xray.md)
 * @param queueBytes         bound of the X-Ray queue ({@code xray.queue_bytes}, default 64 MiB)
 * @param documents          how spans become documents ({@code xray.documents}, env {@code RELAY_XRAY_DOCUMENTS},
 *                           default {@code nested})
 * @param maxSubsegmentsPerDocument subsegments nested in one document at most
 *                           ({@code xray.max_subsegments_per_document}, default 100, as the X-Ray Java SDK streams)
 */
public record XrayConfig(DebugExporterConfig.Mode enabled, HostPort daemonAddress, boolean daemonAddressSet,
                         List<String> indexedAttributes, boolean indexAllAttributes, boolean annotateSampling,
                         int maxDatagramsPerSecond, long queueBytes, Documents documents,
                         int maxSubsegmentsPerDocument) {

    /** How spans become X-Ray documents. */
    public enum Documents {
        /**
         * As the X-Ray SDKs send them: one document per service segment, its local subsegments nested in it; a
         * subsegment whose parent is not among the spans exported with it is sent independent.
         */
        NESTED("nested"),
        /** One document, and one datagram, per span: the output before nesting, byte for byte. */
        PER_SPAN("per_span");

        private final String word;

        Documents(String word) {
            this.word = word;
        }

        /** The word in YAML and {@code RELAY_XRAY_DOCUMENTS}. */
        public String word() {
            return word;
        }
    }

    public XrayConfig {
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(daemonAddress, "daemonAddress");
        Objects.requireNonNull(documents, "documents");
        if (maxSubsegmentsPerDocument < 1) {
            throw new IllegalArgumentException("maxSubsegmentsPerDocument: " + maxSubsegmentsPerDocument
                    + " (expected: >= 1)");
        }
        indexedAttributes = List.copyOf(indexedAttributes);
    }

    /** The X-Ray Java SDK's streaming threshold: a segment with more subsegments streams some out. */
    public static final int DEFAULT_MAX_SUBSEGMENTS = 100;

    public static XrayConfig defaults() {
        return new XrayConfig(DebugExporterConfig.Mode.AUTO, new HostPort("127.0.0.1", 2000), false, List.of(),
                false, false, 20_000, MemoryBounds.xrayQueue(MemoryBounds.maxHeap()), Documents.NESTED,
                DEFAULT_MAX_SUBSEGMENTS);
    }

    /** The same settings with {@code documents} and {@code maxSubsegmentsPerDocument} as given. */
    public XrayConfig withDocuments(Documents documents, int maxSubsegmentsPerDocument) {
        return new XrayConfig(enabled, daemonAddress, daemonAddressSet, indexedAttributes, indexAllAttributes,
                annotateSampling, maxDatagramsPerSecond, queueBytes, documents, maxSubsegmentsPerDocument);
    }

    /** Whether X-Ray export runs, with {@code auto} resolved: on when an address was configured. */
    public boolean exportEnabled() {
        return switch (enabled) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> daemonAddressSet;
        };
    }
}
