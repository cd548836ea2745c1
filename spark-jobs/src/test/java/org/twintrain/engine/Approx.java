package org.twintrain.engine;

import java.util.Map;
import org.twintrain.approx.ApproxConfig;

/** Approximation settings used by the engine tests. */
final class Approx {
    private Approx() {
    }

    /** Exact e^x, tanh and division (cleartext backends). */
    static Nonlinearities exact() {
        return Nonlinearities.from(ApproxConfig.parse(Map.of("exp", "exact", "tanh", "exact")));
    }

    /** The project defaults (pwl:4 e^x, pwl:3 tanh, true gradient): runs on every backend. */
    static Nonlinearities defaults() {
        return Nonlinearities.from(ApproxConfig.defaults());
    }
}
