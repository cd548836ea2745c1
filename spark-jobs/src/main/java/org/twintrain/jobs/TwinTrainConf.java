package org.twintrain.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The immutable configuration of one command: the defaults of {@code conf/twintrain-defaults.properties}
 * (packed into the jar), overlaid by {@code --conf FILE} files and then {@code --set key=value}. Every key
 * must exist in the defaults file, which documents it; an unknown key is an error naming the nearest valid
 * keys. Values are never secrets (keys and seeds live in files named by path), so the whole configuration
 * may be printed.
 */
public final class TwinTrainConf {
    static final String DEFAULTS_RESOURCE = "/twintrain/conf/twintrain-defaults.properties";

    private final Map<String, String> values;

    private TwinTrainConf(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static TwinTrainConf defaults() {
        try (InputStream in = TwinTrainConf.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " on the classpath (broken build)");
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return new TwinTrainConf(toMap(p));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    /** This configuration with the settings of a properties file; unknown keys are an error naming the file. */
    public TwinTrainConf withFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("configuration file not found: " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return with(toMap(p), "in " + file);
    }

    /** This configuration with one setting. */
    public TwinTrainConf with(String key, String value) {
        return with(Map.of(key, value), "in --set");
    }

    private TwinTrainConf with(Map<String, String> overrides, String where) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown configuration key '" + e.getKey() + "' " + where
                        + "; keys with the same prefix: " + sameSection(e.getKey()));
            }
            merged.put(e.getKey(), e.getValue().trim());
        }
        return new TwinTrainConf(merged);
    }

    private String sameSection(String key) {
        String section = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key;
        String list = values.keySet().stream().filter(k -> k.startsWith(section)).collect(Collectors.joining(", "));
        return list.isEmpty() ? "(none; sections: " + values.keySet().stream()
                .map(k -> k.substring(0, k.indexOf('.') + 1) + "*").distinct().collect(Collectors.joining(", ")) + ")"
                : list;
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown configuration key '" + key + "'");
        }
        return v;
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key + " must be an integer, got '" + get(key) + "'");
        }
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key + " must be an integer, got '" + get(key) + "'");
        }
    }

    public double getDouble(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key + " must be a number, got '" + get(key) + "'");
        }
    }

    /** The settings under a prefix, with the prefix removed (e.g. "approx." gives exp, tanh, ...). */
    public Map<String, String> section(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public Map<String, String> asMap() {
        return values;
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k).trim());
        }
        return m;
    }
}
