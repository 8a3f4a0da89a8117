package dev.otlprelay.export.honeycomb;

import dev.otlprelay.config.HoneycombConfig;
import dev.otlprelay.config.Secret;
import dev.otlprelay.pipeline.ClientContext;
import java.util.regex.Pattern;

/**
 * Who a batch belongs to at Honeycomb: an API key and, for Classic environments, a dataset. Batches are kept
 * separate per tenant so that two clients' data never share a request.
 *
 * @param key     the API key (a secret: {@link #toString()} shows only its fingerprint)
 * @param dataset the {@code x-honeycomb-dataset} to send, or null
 */
record Tenant(Secret key, String dataset) {
    /** Honeycomb's Classic keys: 32 lowercase hex characters, or 64-character ingest keys {@code hc?ic_…}. */
    private static final Pattern CLASSIC = Pattern.compile("[0-9a-f]{32}|hc[a-z]ic_[0-9a-z]{58}");

    /** Resolves whose key sends this batch, per {@code honeycomb.key_mode}; null when there is none. */
    static Tenant of(HoneycombConfig config, ClientContext client) {
        String clientKey = client.honeycombTeam();
        String key = switch (config.keyMode()) {
            case RELAY -> config.apiKey().map(Secret::reveal).orElse(null);
            case CLIENT -> clientKey;
            case CLIENT_OR_RELAY -> clientKey != null && !clientKey.isBlank() ? clientKey
                    : config.apiKey().map(Secret::reveal).orElse(null);
        };
        if (key == null || key.isBlank()) {
            return null;
        }
        String dataset = config.keyMode() != HoneycombConfig.KeyMode.RELAY && client.honeycombDataset() != null
                ? client.honeycombDataset() : config.dataset();
        return new Tenant(Secret.of(key), dataset);
    }

    /** Whether Honeycomb treats the key as a Classic key, which needs a dataset. */
    static boolean isClassic(String key) {
        return CLASSIC.matcher(key).matches();
    }

    boolean classic() {
        return isClassic(key.reveal());
    }

    @Override
    public String toString() {
        return "Tenant[key=" + key.fingerprint() + (dataset == null ? "" : ", dataset=" + dataset) + "]";
    }
}
