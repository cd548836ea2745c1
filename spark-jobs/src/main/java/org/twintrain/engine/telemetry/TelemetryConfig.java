package org.twintrain.engine.telemetry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The telemetry settings of a run, from the {@code train.telemetry.*} keys of conf/twintrain-defaults.properties.
 * Immutable.
 *
 * @param every       check every this many training steps (global step % every == 0); 0 = off
 * @param bound       the overflow bound of every observed layer, in real units
 * @param layerBounds per-layer overflow bounds ({@code train.telemetry.layerBounds = LAYER:BOUND, ...}), overriding
 *                    bound
 * @param failures    also count detected truncation failures (|x| &gt;= 2^(62-2f)); fixed-point backends only
 * @param action      what an overflow count above the threshold does
 * @param threshold   a count above this crosses it (per layer for overflows, the step's total for failures)
 * @param failureAction what a detected truncation-failure count above the threshold does (the model is garbage
 *                    from then on, so it stops by default)
 */
public record TelemetryConfig(long every, double bound, Map<String, Double> layerBounds, boolean failures,
        Action action, long threshold, Action failureAction) {

    static final String PREFIX = "train.telemetry.";

    /** What crossing the threshold does. Rollback to a checkpoint is a handler, see {@link Telemetry#onThreshold}. */
    public enum Action {
        /** Only report: the counts go to the progress line. */
        LOG,
        /** Throw {@link TelemetryStopException} naming the layer, step and count, before the step's update. */
        STOP
    }

    public TelemetryConfig {
        if (every < 0) {
            throw new IllegalArgumentException(PREFIX + "every must be 0 (off) or a positive number of steps, got " + every);
        }
        if (!(bound > 0) || Double.isInfinite(bound)) {
            throw new IllegalArgumentException(PREFIX + "bound must be a positive number, got " + bound);
        }
        layerBounds.forEach((layer, b) -> {
            if (!(b > 0) || Double.isInfinite(b)) {
                throw new IllegalArgumentException(PREFIX + "layerBounds: " + layer + " must have a positive bound, got " + b);
            }
        });
        if (threshold < 0) {
            throw new IllegalArgumentException(PREFIX + "threshold must be at least 0, got " + threshold);
        }
        layerBounds = Map.copyOf(layerBounds);
    }

    /** Telemetry off. */
    public static TelemetryConfig off() {
        return new TelemetryConfig(0, 1024, Map.of(), true, Action.LOG, 0, Action.STOP);
    }

    /** From the train.telemetry.* keys; absent keys take the defaults of {@link #off} (so absent = off). */
    public static TelemetryConfig parse(Map<String, String> conf) {
        Map<String, Double> layers = new LinkedHashMap<>();
        String key = PREFIX + "layerBounds";
        for (String item : conf.getOrDefault(key, "").split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(key + " must be a list of LAYER:BOUND, got '" + item.trim() + "'");
            }
            layers.put(item.substring(0, colon).trim(), number(key, item.substring(colon + 1)));
        }
        String failures = conf.getOrDefault(PREFIX + "failures", "auto").trim().toLowerCase(Locale.ROOT);
        if (!failures.equals("auto") && !failures.equals("off")) {
            throw new IllegalArgumentException(PREFIX + "failures must be auto or off, got '" + failures + "'");
        }
        return new TelemetryConfig(integer(PREFIX + "every", conf.getOrDefault(PREFIX + "every", "0")),
                number(PREFIX + "bound", conf.getOrDefault(PREFIX + "bound", "1024")), layers, failures.equals("auto"),
                action(conf, "action", "log"), integer(PREFIX + "threshold", conf.getOrDefault(PREFIX + "threshold", "0")),
                action(conf, "failureAction", "stop"));
    }

    private static Action action(Map<String, String> conf, String name, String fallback) {
        String action = conf.getOrDefault(PREFIX + name, fallback).trim();
        try {
            return Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be log or stop, got '" + action + "'");
        }
    }

    public boolean enabled() {
        return every > 0;
    }

    /** Whether the training step with this global step number is checked. */
    public boolean due(long step) {
        return every > 0 && step % every == 0;
    }

    /** The overflow bound of a layer. */
    public double boundOf(String layer) {
        return layerBounds.getOrDefault(layer, bound);
    }

    /** The same settings with telemetry off. */
    public TelemetryConfig disabled() {
        return new TelemetryConfig(0, bound, layerBounds, failures, action, threshold, failureAction);
    }

    private static double number(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
        }
    }

    private static long integer(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
        }
    }
}
