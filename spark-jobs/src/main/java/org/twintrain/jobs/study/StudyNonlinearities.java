package org.twintrain.jobs.study;

import java.util.regex.Pattern;
import org.twintrain.engine.ExactNonlinearities;
import org.twintrain.engine.Nonlinearities;

/**
 * The one place where a configuration's approximation names become the engine's {@link Nonlinearities}. Names
 * follow {@code conf/twintrain-defaults.properties}: e^x in {exact, relu, taylor:k, pwl:k}, tanh in {exact,
 * pwl:3}, softmax gradient exact or secureml.
 */
final class StudyNonlinearities {
    private static final Pattern EXP = Pattern.compile("exact|relu|taylor:[2-8]|pwl:[4-7]");
    private static final Pattern TANH = Pattern.compile("exact|pwl:3");

    private StudyNonlinearities() {
    }

    static Nonlinearities create(String exp, String tanh, String gradient) {
        if (!EXP.matcher(exp).matches()) {
            throw new IllegalArgumentException("unknown e^x approximation '" + exp + "'; known: exact, relu, taylor:2..8, pwl:4..7");
        }
        if (!TANH.matcher(tanh).matches()) {
            throw new IllegalArgumentException("unknown tanh approximation '" + tanh + "'; known: exact, pwl:3");
        }
        if (exp.equals("exact") && tanh.equals("exact")) {
            return ExactNonlinearities.create();
        }
        throw new IllegalArgumentException("approximation exp=" + exp + " tanh=" + tanh
                + " needs the approx module's softmax and tanh, which are not in this build yet");
    }
}
