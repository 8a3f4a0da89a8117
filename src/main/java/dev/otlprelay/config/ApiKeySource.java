package dev.otlprelay.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the Honeycomb API key: {@code HONEYCOMB_API_KEY_FILE} (a file holding it, e.g. a Docker secret), else
 * {@code HONEYCOMB_API_KEY}, else {@code honeycomb.api_key}; setting both variables is a problem. It is kept apart
 * from the other keys because it is the one secret: no problem it records ever quotes the key, only its
 * fingerprint, and a fingerprint copied back from an effective-configuration dump is refused rather than sent.
 */
final class ApiKeySource {

    static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    /** What {@link EffectiveConfig} writes for an absent key; read back as "no key" so its output loads. */
    static final String NOT_SET = "(not set)";

    /** What {@link EffectiveConfig} writes for a key; refused when copied back into a file as the key. */
    private static final Pattern DUMPED_KEY = Pattern.compile("sha256:[0-9a-f]{8}( \\(set\\))?");

    private final LoadContext context;
    private final YamlFile file;

    ApiKeySource(LoadContext context, YamlFile file) {
        this.context = context;
        this.file = file;
    }

    /** The key as {@link EffectiveConfig} shows it: its fingerprint, never the key. */
    static String shown(Optional<Secret> apiKey) {
        return apiKey.map(k -> k.fingerprint() + " (set)").orElse(NOT_SET);
    }

    /** The key, or empty when none is set or it could not be read (a problem is recorded then). */
    Optional<Secret> read() {
        String key = fromConfigFile();
        String label = key == null ? null : Keys.API_KEY.path();
        String fromEnv = context.env(Keys.API_KEY.env());
        String keyFile = context.env(Keys.API_KEY_FILE_ENV);
        if (fromEnv != null && keyFile != null) {
            context.problem(Keys.API_KEY_FILE_ENV + ": " + Values.showPath(keyFile) + " (expected: only one of "
                    + Keys.API_KEY.env() + " and " + Keys.API_KEY_FILE_ENV + " to be set)");
            return Optional.empty();
        }
        if (keyFile != null) {
            key = fromKeyFile(keyFile);
            if (key == null) {
                return Optional.empty();
            }
            label = Keys.API_KEY_FILE_ENV;
        } else if (fromEnv != null && !fromEnv.isBlank()) {
            label = Keys.API_KEY.env();
            key = fromEnv.strip();
        }
        return key == null ? Optional.empty() : Optional.of(checked(label, key));
    }

    /** {@code honeycomb.api_key}, or null when it is absent, blank, {@value #NOT_SET} or a copied fingerprint. */
    private String fromConfigFile() {
        JsonNode node = file.value(Keys.API_KEY);
        if (node == null) {
            return null;
        }
        String text = file.text(Keys.API_KEY.path(), node, "a string", true);
        if (text == null || text.isBlank() || text.strip().equals(NOT_SET)) {
            return null;
        }
        if (DUMPED_KEY.matcher(text.strip()).matches()) {
            context.problem(Keys.API_KEY.path() + ": a fingerprint copied from an effective-configuration dump"
                    + " (expected: the API key itself, or ${" + Keys.API_KEY.env() + ":-})");
            return null;
        }
        return text.strip();
    }

    /** The stripped UTF-8 text of the key file, or null with a problem that never quotes the file's content. */
    private String fromKeyFile(String keyFile) {
        Path path = context.resolvePath(Keys.API_KEY_FILE_ENV, keyFile);
        byte[] bytes = path == null ? null
                : context.readSmallFile(Keys.API_KEY_FILE_ENV, path, MAX_KEY_FILE_BYTES, "an API key");
        if (bytes == null) {
            return null;
        }
        String where = Keys.API_KEY_FILE_ENV + ": " + Values.showPath(path);
        String key;
        try {
            key = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString().strip();
        } catch (CharacterCodingException e) {
            context.problem(where + " (not UTF-8 text)");
            return null;
        }
        if (key.isEmpty()) {
            context.problem(where + " (empty; expected: the Honeycomb API key)");
            return null;
        }
        return key;
    }

    /** The key as a {@link Secret}; a problem, naming it by fingerprint, when it holds whitespace or controls. */
    private Secret checked(String label, String key) {
        Secret secret = Secret.of(key);
        if (key.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            context.problem(label + ": " + secret.fingerprint()
                    + " (expected: an API key without whitespace or control characters)");
        }
        return secret;
    }
}
