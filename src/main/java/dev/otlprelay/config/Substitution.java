package dev.otlprelay.config;

import java.util.Map;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a string value that YAML has already parsed, so a substituted
 * value can never change the document's structure. <code>$${</code> is a literal <code>${</code>; {@code ${VAR}}
 * with VAR unset or empty is the empty string; {@code :-default} applies when VAR is unset or empty. One pass:
 * the substituted text is not scanned again, and a default ends at the first <code>}</code>.
 */
final class Substitution {

    /** Why a value could not be substituted; never contains the value. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String problem) {
            super(problem, null, false, false);
        }
    }

    static final String EXPECTED = "${VAR} or ${VAR:-default}, VAR made of letters, digits and _;"
            + " write $${ for a literal ${";

    private Substitution() {
    }

    static String apply(String value, Map<String, String> env) throws Failure {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && value.startsWith("${", i)) {
                int close = value.indexOf('}', i + 2);
                if (close < 0) {
                    throw new Failure("unterminated ${");
                }
                String body = value.substring(i + 2, close);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                String fallback = sep < 0 ? "" : body.substring(sep + 2);
                if (!isName(name)) {
                    throw new Failure("invalid ${...} reference");
                }
                String v = env.get(name);
                out.append(v == null || v.isEmpty() ? fallback : v);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
