package dev.otlprelay.export.honeycomb;

import dev.otlprelay.config.Secret;
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
