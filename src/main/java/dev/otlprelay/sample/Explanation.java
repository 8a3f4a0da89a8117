package dev.otlprelay.sample;

/**
 * What a sampler would do with a trace, worked out without changing any state (no reservoir taken, nothing
 * counted): for the admin endpoint's "why was this trace kept?".
 *
 * @param source   {@code condition}, {@code rule} or {@code keep_all}
 * @param name     the matched condition or rule
 * @param values   the normalised values it matched on
 * @param decision the decision it would make now, with its weight
 */
public record Explanation(String source, String name, MatchValues values, Decision decision) {
}
