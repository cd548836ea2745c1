package org.twintrain.approx;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The approximations of one run, read from configuration. Immutable; pass it, do not keep it global.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>values</th><th>default</th></tr>
 *   <tr><td>{@code exp}</td><td>{@link ApproxRegistry#expNames()}</td><td>{@code pwl:4}: the paper's best
 *       trade-off, and it runs on every backend (a study that wants the baseline sets {@code exact})</td></tr>
 *   <tr><td>{@code tanh}</td><td>{@code exact}, {@code pwl:3}</td><td>{@code pwl:3}</td></tr>
 *   <tr><td>{@code softmax.gradient}</td><td>{@code exact} (true derivative), {@code secureml} (p - y)</td>
 *       <td>{@code exact}</td></tr>
 *   <tr><td>{@code reciprocal.method}</td><td>{@code auto}, {@code newton}, {@code exact}</td><td>{@code
 *       auto}: exact in double, Newton in fixed point and on two parties</td></tr>
 *   <tr><td>{@code reciprocal.iterations}</td><td>{@code auto} (fewest for the fixed-point precision: 2 at f = 16), 0..10</td><td>{@code auto}</td></tr>
 *   <tr><td>{@code reciprocal.min-exponent}</td><td>-30..0: valid denominators from 2^this</td><td>-8</td></tr>
 *   <tr><td>{@code reciprocal.max-exponent}</td><td>1..40: valid denominators below 2^this</td><td>20</td></tr>
 * </table>
 * An unknown key, name or value is an error listing the valid ones. See {@link Reciprocal} for the meaning of
 * its settings.
 */
public record ApproxConfig(ExpApproximation exp, TanhApproximation tanh, SoftmaxGradient softmaxGradient,
        Reciprocal reciprocal) {

    public static final List<String> KEYS = List.of("exp", "tanh", "softmax.gradient", "reciprocal.method",
            "reciprocal.iterations", "reciprocal.min-exponent", "reciprocal.max-exponent");

    public static final String DEFAULT_EXP = "pwl:4";
    public static final String DEFAULT_TANH = "pwl:3";

    public ApproxConfig {
        if (exp == null || tanh == null || softmaxGradient == null || reciprocal == null) {
            throw new IllegalArgumentException("ApproxConfig: no part may be null");
        }
    }

    public static ApproxConfig defaults() {
        return parse(Map.of());
    }

    /** Reads the keys above; absent keys take their defaults. */
    public static ApproxConfig parse(Map<String, String> settings) {
        TreeSet<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown approximation setting(s) " + unknown + "; valid keys: "
                    + String.join(", ", KEYS));
        }
        ExpApproximation exp = ApproxRegistry.exp(settings.getOrDefault("exp", DEFAULT_EXP).trim());
        TanhApproximation tanh = ApproxRegistry.tanh(settings.getOrDefault("tanh", DEFAULT_TANH).trim());
        SoftmaxGradient gradient = SoftmaxGradient.parse(settings.getOrDefault("softmax.gradient", "exact").trim());
        Reciprocal.Method method = method(settings.getOrDefault("reciprocal.method", "auto").trim());
        Reciprocal reciprocal = new Reciprocal(method,
                iterations(settings.getOrDefault("reciprocal.iterations", "auto").trim()),
                integer(settings, "reciprocal.min-exponent", Reciprocal.DEFAULT_MIN_EXPONENT),
                integer(settings, "reciprocal.max-exponent", Reciprocal.DEFAULT_MAX_EXPONENT));
        return new ApproxConfig(exp, tanh, gradient, reciprocal);
    }

    private static int iterations(String text) {
        if (text.equals("auto")) {
            return Reciprocal.AUTO_ITERATIONS;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("reciprocal.iterations must be auto or a number of iterations 0..10, got '"
                    + text + "'");
        }
    }

    public Softmax softmax() {
        return new Softmax(exp, reciprocal, softmaxGradient);
    }

    public Sigmoid sigmoid() {
        return new Sigmoid(softmax());
    }

    /** True when some part needs a cleartext backend (an {@code exact} function or division). */
    public boolean cleartextOnly() {
        return exp.cleartextOnly() || tanh.cleartextOnly() || reciprocal.method() == Reciprocal.Method.EXACT;
    }

    private static Reciprocal.Method method(String v) {
        return switch (v) {
            case "auto" -> Reciprocal.Method.AUTO;
            case "newton" -> Reciprocal.Method.NEWTON;
            case "exact" -> Reciprocal.Method.EXACT;
            default -> throw new IllegalArgumentException("reciprocal.method: unknown value '" + v
                    + "'; valid: auto, newton, exact");
        };
    }

    private static int integer(Map<String, String> settings, String key, int dflt) {
        String v = settings.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected an integer, got '" + v + "'");
        }
    }
}
