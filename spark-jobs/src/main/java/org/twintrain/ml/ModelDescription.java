package org.twintrain.ml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.sharing.arith.DoubleArithmetic;

/**
 * What a {@link TwinTrainModel} is, in public terms: enough to rebuild the engine's network around the
 * parameters, plus where it came from. Nothing here is secret (it is written to the model's JSON metadata).
 *
 * @param architecture   an engine model name of {@link Models#NAMES} (logreg, secureml, cnn, resnet18, resnet)
 * @param width          the width multiplier the model was built with
 * @param depth          the model's own depth parameter (see {@link Models#build})
 * @param inputShape     the shape of one example (a flat vector is n x 1 x 1)
 * @param classes        output classes
 * @param batchNorm      whether the network has batch-norm layers (secure runs have none)
 * @param fractionalBits fixed-point fractional bits the model was trained with (0 for a cleartext model)
 * @param approximations the run's approximation settings as "key=value" (e.g. "exp=pwl:4")
 * @param runId          the training run, or "" when unknown
 * @param datasetId      the training data set, or "" when unknown
 */
public record ModelDescription(String architecture, double width, int depth, Shape inputShape, int classes,
        boolean batchNorm, int fractionalBits, List<String> approximations, String runId, String datasetId) {

    public ModelDescription {
        if (!Models.NAMES.contains(architecture)) {
            throw new IllegalArgumentException("unknown architecture '" + architecture + "'; known: " + Models.NAMES);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        approximations = List.copyOf(approximations);
        approxConfig(approximations); // an unknown setting fails here, not inside a task
    }

    /**
     * The run's non-linearities (recurrent cells' sigmoid and tanh). The classifiers' forward pass uses none
     * of them (ReLU only); they are rebuilt so that a model scores with what it was trained with.
     */
    public Nonlinearities nonlinearities() {
        return Nonlinearities.from(approxConfig(approximations));
    }

    private static ApproxConfig approxConfig(List<String> settings) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("approximation setting must be key=value, got '" + s + "'");
            }
            m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return ApproxConfig.parse(m);
    }

    /**
     * The engine's network for this description, in double precision on one thread (Spark runs one task per
     * core). Its weights are the seeded initialization; the caller loads the real parameters.
     */
    public Classifier buildNetwork() {
        return Models.build(architecture, new DoubleArithmetic(1), 0L, inputShape, classes, width, depth, batchNorm);
    }

    /**
     * "params=... macs/example=...": the network's trainable parameters and forward multiply-adds per example,
     * printed with every result (it builds the network, so it is not part of {@link #describe}, which error
     * messages and toString use).
     */
    public String networkSize() {
        Classifier net = buildNetwork();
        return "params=" + net.parameterCount() + " macs/example=" + net.net().macsPerExample();
    }

    /** "architecture=secureml width=0.5 depth=2 input=784x1x1 classes=10 ..." */
    public String describe() {
        return "architecture=" + architecture + " width=" + width + " depth=" + depth + " input=" + inputShape
                + " classes=" + classes + " batchNorm=" + batchNorm + " fractionalBits=" + fractionalBits
                + " approximations=" + String.join(",", approximations)
                + (runId.isEmpty() ? "" : " run=" + runId) + (datasetId.isEmpty() ? "" : " dataset=" + datasetId);
    }
}
