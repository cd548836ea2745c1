package org.twintrain.jobs.reveal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.twintrain.engine.Shape;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.ml.ModelDescription;
import org.twintrain.ml.TwinTrainModel;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.store.ModelShareManifest;

/**
 * Turns revealed parameters into a {@link TwinTrainModel}. The model-share manifest records the architecture
 * name, run, data set and fractional bits; the width and the approximations come from the training run's
 * configuration ({@code model.width}, {@code approx.*}); the rest is read from the parameters themselves where
 * the architecture allows it (see {@link #describe}) or given explicitly.
 */
public final class RevealedModels {
    private RevealedModels() {
    }

    /**
     * What the parameters cannot tell. Null (or 0) fields are inferred: the input shape of logreg and
     * secureml is flat with the first weight's row count; classes are the column count of the last
     * parameter (every architecture ends in a dense layer); depth is counted from the layers.
     */
    public record Overrides(Shape input, int classes, int depth) {
        public static final Overrides NONE = new Overrides(null, 0, 0);
    }

    public static TwinTrainModel build(ModelReveal.RevealedParameters revealed, TwinTrainConf conf, Overrides given) {
        ModelDescription d = describe(revealed, conf, given);
        try {
            return TwinTrainModel.create(d, revealed.parameters());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (give the training run's configuration with --conf,"
                    + " or --set model.width=...; --input, --classes and --depth override what is inferred)", e);
        }
    }

    /** The description of a revealed model; see {@link Overrides} for what is inferred. */
    public static ModelDescription describe(ModelReveal.RevealedParameters revealed, TwinTrainConf conf,
            Overrides given) {
        ModelShareManifest m = revealed.provenance();
        Map<String, DoubleMatrix> params = revealed.parameters();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("model " + m.runId() + " holds no parameters");
        }
        List<String> names = new ArrayList<>(params.keySet());
        String trained = m.model();
        String architecture = engineName(trained);
        int depth = given.depth() > 0 ? given.depth() : inferDepth(trained, names);
        Shape input = given.input();
        if (input == null) {
            if (!architecture.equals("logreg") && !architecture.equals("secureml")) {
                throw new IllegalArgumentException("the input shape of a " + trained + " model cannot be read from its"
                        + " parameters; give it with --input CxHxW (e.g. 3x32x32)");
            }
            input = Shape.flat(params.get(names.get(0)).rows());
        }
        int classes = given.classes() > 0 ? given.classes() : params.get(names.get(names.size() - 1)).cols();
        boolean batchNorm = names.stream().anyMatch(n -> n.endsWith(".runningMean"));
        List<String> approximations = new ArrayList<>();
        conf.section("approx.").forEach((k, v) -> approximations.add(k + "=" + v));
        return new ModelDescription(architecture, conf.getDouble("model.width"), depth, input, classes, batchNorm,
                m.fractionalBits(), approximations, m.runId(), m.datasetId());
    }

    /** The engine's name for a configured model name (conf's model.name: logistic, secureml, cnn, resnetNN, ...). */
    static String engineName(String configured) {
        return switch (configured) {
            case "logistic", "logreg" -> "logreg";
            case "secureml", "cnn", "resnet18", "resnet" -> configured;
            default -> {
                if (configured.matches("resnet\\d+")) {
                    yield "resnet";
                }
                throw new IllegalArgumentException("model '" + configured + "' has no Spark ML form; known: logistic,"
                        + " secureml, cnn, resnet18, resnet20, resnet32, ...");
            }
        };
    }

    /**
     * Depth from the layer names ({@link org.twintrain.engine.models.Models} names layers kind + counter):
     * secureml has depth + 1 dense layers, cnn depth convolutions, resnet (6n+2) 6n + 1 convolutions,
     * resnet18 1 + 8 per block of a stage + 3 projections. A name such as resnet20 states the depth itself.
     */
    static int inferDepth(String configured, List<String> names) {
        int dense = (int) names.stream().filter(n -> n.matches("dense\\d+\\.w")).count();
        int conv = (int) names.stream().filter(n -> n.matches("conv\\d+\\.w")).count();
        return switch (engineName(configured)) {
            case "logreg" -> 1;
            case "secureml" -> Math.max(1, dense - 1);
            case "cnn" -> Math.max(1, conv);
            case "resnet18" -> Math.max(1, (conv - 4) / 8);
            default -> configured.matches("resnet\\d+") ? Integer.parseInt(configured.substring(6)) : conv + 1;
        };
    }
}
