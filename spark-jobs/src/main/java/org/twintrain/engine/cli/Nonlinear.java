package org.twintrain.engine.cli;

import org.twintrain.engine.ExactNonlinearities;
import org.twintrain.engine.Nonlinearities;

/** The run's non-linearities from the "--approx" option. */
final class Nonlinear {
    private Nonlinear() {
    }

    static Nonlinearities fromConfig(String spec) {
        if (!spec.isEmpty()) {
            throw new IllegalArgumentException("approximation settings need the approx module's configuration");
        }
        return ExactNonlinearities.create();
    }
}
