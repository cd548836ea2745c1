package org.twintrain.engine.telemetry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The counts of one checked step, the same on both parties: per observed layer, how many values reached its
 * overflow bound and how many reached the failure bound 2^(62-2f) (detected truncation failures or wraps; all
 * zero when failure counting is off). Counts only, never a value.
 *
 * @param step     the global step that was checked
 * @param overflow per layer, in the order the layers were observed
 * @param failures per layer, same order (empty when failures are not counted)
 */
public record TelemetryReport(long step, Map<String, Long> overflow, Map<String, Long> failures) {

    public TelemetryReport {
        overflow = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overflow));
        failures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    public long totalOverflow() {
        return overflow.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalFailures() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "overflow: dense0 3, dense1 0; truncation failures 2" (failures left out when not counted). */
    public String describe() {
        return describe(overflow, failures.isEmpty() ? -1 : totalFailures());
    }

    /** The progress line's telemetry part for counts summed over any number of checks; failures -1 = not counted. */
    public static String describe(Map<String, Long> overflow, long failures) {
        StringJoiner layers = new StringJoiner(", ", "overflow: ", "");
        overflow.forEach((layer, n) -> layers.add(layer + " " + n));
        return layers + (failures < 0 ? "" : "; truncation failures " + failures);
    }
}
