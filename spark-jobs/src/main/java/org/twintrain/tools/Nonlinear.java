package org.twintrain.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Nonlinearities;

/** The run's non-linearities from the "--approx" option: comma-separated approx keys, e.g. "exp=exact,tanh=exact". */
final class Nonlinear {
    private Nonlinear() {
    }

    static Nonlinearities fromConfig(String spec) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String kv : spec.split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--approx: expected key=value, got '" + kv + "'");
            }
            settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return Nonlinearities.from(ApproxConfig.parse(settings));
    }
}
