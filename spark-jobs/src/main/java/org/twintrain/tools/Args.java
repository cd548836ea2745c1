package org.twintrain.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** "--key value" pairs with defaults; unknown keys are an error so typos do not pass silently. */
final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();

    Args(String[] argv, Map<String, String> defaults) {
        values.putAll(defaults);
        Set<String> known = defaults.keySet();
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (!k.startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --key value, got '" + k + "'");
            }
            String key = k.substring(2);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + known);
            }
            values.put(key, argv[++i]);
        }
    }

    String get(String key) {
        return values.get(key);
    }

    int getInt(String key) {
        return Integer.parseInt(values.get(key));
    }

    long getLong(String key) {
        return Long.parseLong(values.get(key));
    }

    double getDouble(String key) {
        return Double.parseDouble(values.get(key));
    }

    boolean getBoolean(String key) {
        return Boolean.parseBoolean(values.get(key));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
