package org.twintrain.jobs.study;

import java.util.Map;
import java.util.TreeMap;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Nonlinearities;

/**
 * The one place where a configuration's approximation names become the engine's {@link Nonlinearities}, through
 * the approx module's {@link ApproxConfig}: e^x (exact, relu, taylor:k, pwl:k), tanh (exact, pwl:3), softmax
 * gradient (exact or secureml), plus the grid's other {@code approx.*} settings (reciprocal method ...). An
 * unknown name is ApproxConfig's error, listing the valid ones.
 */
final class StudyNonlinearities {
    private StudyNonlinearities() {
    }

    static Nonlinearities create(StudyConfig c) {
        Map<String, String> settings = new TreeMap<>(c.approxSettings());
        settings.put("exp", c.approx());
        settings.put("tanh", c.tanh());
        settings.put("softmax.gradient", c.train().gradient());
        return Nonlinearities.from(ApproxConfig.parse(settings));
    }
}
