package dev.otlprelay.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The environment variables the relay reads, as {@code --help} lists them: each key's from {@link Keys}, in the
 * table's order and with the key's default when it is one fixed value, then {@code RELAY_CONFIG}, which names the
 * file rather than overriding a key. Public because the help text belongs to the command line; the names come from
 * the table so that the help can name no variable the loader does not read, and miss none it does.
 */
public final class EnvironmentVariables {

    private EnvironmentVariables() {
    }

    /** {@code NAME (default)}, or {@code NAME} where there is no fixed default to show; each variable once. */
    public static List<String> forHelp() {
        List<String> items = new ArrayList<>();
        for (Key<?> key : Keys.ALL) {
            String dflt = Keys.shownDefault(key);
            for (String name : Keys.envVars(key)) {
                items.add(dflt == null || !name.equals(key.env()) ? name : name + " (" + dflt + ")");
            }
        }
        items.add(Keys.CONFIG_FILE_ENV + " (the file)");
        return List.copyOf(items);
    }
}
