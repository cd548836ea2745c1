package org.twintrain.approx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The configuration names of the approximations and the instances they stand for. e^x: {@code exact},
 * {@code relu}, {@code taylor:2} .. {@code taylor:8}, {@code pwl:4} (the paper's) .. {@code pwl:7} (fitted); beyond
 * the paper, {@code limit:n} (CrypTen's (1 + x/2^n)^(2^n), n in 1..12; 4, 6, 8 listed) and {@code pwlsm:3} ..
 * {@code pwlsm:6} (fitted to the softmax on x &lt;= 0), both after subtracting the row maximum;
 * tanh: {@code exact}, {@code pwl:3}. An unknown name is an error that lists the valid ones.
 */
public final class ApproxRegistry {
    /** limit:n listed by {@link #expNames()} (and so in the cost table); any n in LimitExp's range is accepted. */
    private static final int[] LIMIT_LISTED = {4, 6, 8};
    private static final Map<String, Supplier<ExpApproximation>> EXP = new LinkedHashMap<>();
    private static final Map<String, Supplier<TanhApproximation>> TANH = new LinkedHashMap<>();

    static {
        EXP.put("exact", ExactExp::new);
        EXP.put("relu", ReluExp::new);
        for (int k = TaylorExp.MIN_DEGREE; k <= TaylorExp.MAX_DEGREE; k++) {
            int degree = k;
            EXP.put("taylor:" + k, () -> new TaylorExp(degree));
        }
        for (int k = 4; k <= 7; k++) {
            int pieces = k;
            EXP.put("pwl:" + k, () -> PiecewiseLinearExp.of(pieces));
        }
        for (int n : LIMIT_LISTED) {
            EXP.put("limit:" + n, () -> new LimitExp(n));
        }
        for (int k : PwlSoftmaxFit.FITTED_PIECES) {
            int pieces = k;
            EXP.put("pwlsm:" + k, () -> PiecewiseLinearExp.softmaxFit(pieces));
        }
        TANH.put("exact", ExactTanh::new);
        TANH.put("pwl:3", PwlTanh::new);
    }

    private ApproxRegistry() {
    }

    public static ExpApproximation exp(String name) {
        Supplier<ExpApproximation> s = EXP.get(name);
        if (s == null && name.startsWith("limit:")) {
            return new LimitExp(parameter(name));
        }
        if (s == null) {
            throw new IllegalArgumentException("exp: unknown approximation '" + name + "'; valid: "
                    + String.join(", ", EXP.keySet()));
        }
        return s.get();
    }

    public static TanhApproximation tanh(String name) {
        Supplier<TanhApproximation> s = TANH.get(name);
        if (s == null) {
            throw new IllegalArgumentException("tanh: unknown approximation '" + name + "'; valid: "
                    + String.join(", ", TANH.keySet()));
        }
        return s.get();
    }

    /** The integer after "family:", or a clear error. */
    private static int parameter(String name) {
        String v = name.substring(name.indexOf(':') + 1);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("exp: '" + name + "' needs an integer after ':', got '" + v + "'");
        }
    }

    /** Every e^x name, in the order of the paper's table, then the ones beyond the paper. */
    public static List<String> expNames() {
        return Collections.unmodifiableList(new ArrayList<>(EXP.keySet()));
    }

    public static List<String> tanhNames() {
        return Collections.unmodifiableList(new ArrayList<>(TANH.keySet()));
    }
}
