package org.twintrain.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;

class TwinTrainModelTest {
    private static final Shape INPUT = new Shape(1, 3, 4);
    private static final int CLASSES = 3;
    private static final int ROWS = 150;

    /** An engine network with every parameter (biases too) set to known random values. */
    private static Classifier network(String name, double width, long seed) {
        DoubleArithmetic a = new DoubleArithmetic(1);
        Classifier net = Models.build(name, a, seed, INPUT, CLASSES, width, 2, false);
        SplittableRandom rnd = new SplittableRandom(seed + 100);
        for (Param p : net.params()) {
            double[] v = new double[p.value().rows() * p.value().cols()];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextDouble(-1, 1);
            }
            p.set(a.fromPublic(p.value().rows(), p.value().cols(), v));
        }
        return net;
    }

    private static ModelDescription description(String name, double width) {
        return new ModelDescription(name, width, name.equals("logreg") ? 1 : 2, INPUT, CLASSES, false, 16,
                List.of("exp=pwl:4", "softmax.gradient=exact"), "run-7", "toy");
    }

    private static Map<String, DoubleMatrix> parameters(Classifier net) {
        Map<String, DoubleMatrix> out = new LinkedHashMap<>();
        net.params().forEach(p -> out.put(p.name(), (DoubleMatrix) p.value()));
        return out;
    }

    /** Features with float-exact values, so that array<float>, array<double> and vectors carry the same numbers. */
    private static double[][] features(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[ROWS][INPUT.size()];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rnd.nextDouble(-2, 2);
            }
        }
        return x;
    }

    /** The engine's own forward pass, row by row: logits of each row. */
    private static double[][] engineLogits(Classifier net, double[][] x) {
        DoubleArithmetic a = new DoubleArithmetic(1);
        Context ctx = new Context(a, Nonlinearities.from(ApproxConfig.defaults()));
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            ctx.at(false, -1, 0, 0);
            out[i] = a.reveal(net.net().forward(ctx, a.fromPublic(1, x[i].length, x[i].clone())));
        }
        return out;
    }

    private static int argmax(double[] z) {
        int best = 0;
        for (int j = 1; j < z.length; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }

    enum Kind { DOUBLES, FLOATS, VECTOR }

    /** (id, features, label) in 3 partitions; labels are the engine's prediction where id % 3 != 0. */
    private static Dataset<Row> frame(double[][] x, int[] predicted, Kind kind) {
        SparkSession spark = LocalSpark.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            Object f = switch (kind) {
                case DOUBLES -> Stream.of(box(x[i])).toList();
                case FLOATS -> Stream.of(box(x[i])).map(Double::floatValue).toList();
                case VECTOR -> Vectors.dense(x[i]);
            };
            int label = i % 3 == 0 ? (predicted[i] + 1) % CLASSES : predicted[i];
            rows.add(RowFactory.create((long) i, f, label));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", switch (kind) {
                    case DOUBLES -> DataTypes.createArrayType(DataTypes.DoubleType);
                    case FLOATS -> DataTypes.createArrayType(DataTypes.FloatType);
                    case VECTOR -> org.apache.spark.ml.linalg.SQLDataTypes.VectorType();
                })
                .add("label", DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    private static Double[] box(double[] v) {
        Double[] b = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }

    private static int[] predictions(double[][] logits) {
        int[] p = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = argmax(logits[i]);
        }
        return p;
    }

    /** Checks every output column of every row against the engine's logits. */
    private static void assertMatchesEngine(Dataset<Row> scored, double[][] logits, String predictionCol) {
        List<Row> rows = scored.select("id", "rawPrediction", "probability", predictionCol).collectAsList();
        assertEquals(logits.length, rows.size());
        Set<Long> seen = new HashSet<>();
        for (Row r : rows) {
            int id = (int) r.getLong(0);
            assertTrue(seen.add((long) id), "row " + id + " appears twice");
            double[] raw = ((Vector) r.get(1)).toArray();
            double[] prob = ((Vector) r.get(2)).toArray();
            assertArrayEquals(logits[id], raw, 1e-12, "logits of row " + id);
            double sum = 0;
            for (int j = 0; j < CLASSES; j++) {
                sum += prob[j];
                assertEquals(Math.exp(logits[id][j]) / sumExp(logits[id]), prob[j], 1e-12, "probability of row " + id);
            }
            assertEquals(1.0, sum, 1e-12);
            assertEquals(argmax(logits[id]), r.getDouble(3), "prediction of row " + id);
        }
    }

    private static double sumExp(double[] z) {
        double s = 0;
        for (double v : z) {
            s += Math.exp(v);
        }
        return s;
    }

    @Test
    void logregPredictionsEqualTheEngineForwardRowByRow() {
        Classifier net = network("logreg", 1.0, 1);
        double[][] x = features(2);
        double[][] logits = engineLogits(net, x);
        TwinTrainModel model = TwinTrainModel.create(description("logreg", 1.0), parameters(net)).setBatchSize(7);
        Dataset<Row> df = frame(x, predictions(logits), Kind.DOUBLES);
        assertMatchesEngine(model.transform(df), logits, "prediction");

        // A copy with other Params keeps the parameters; an empty output column name is not written.
        TwinTrainModel copy = model.copy(new org.apache.spark.ml.param.ParamMap()
                .put(model.predictionCol(), "p2"));
        assertEquals("prediction", model.getPredictionCol());
        assertMatchesEngine(copy.transform(df), logits, "p2");
        Dataset<Row> onlyPrediction = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setRawPredictionCol("").setProbabilityCol("").transform(df);
        assertEquals(List.of("id", "features", "label", "prediction"), List.of(onlyPrediction.columns()));
        int[] expected = predictions(logits);
        for (Row r : onlyPrediction.select("id", "prediction").collectAsList()) {
            assertEquals(expected[(int) r.getLong(0)], r.getDouble(1));
        }
    }

    @Test
    void secureMlOnEveryFeatureTypeEqualsTheEngineForward() {
        Classifier net = network("secureml", 0.125, 3);
        double[][] x = features(4);
        double[][] logits = engineLogits(net, x);
        int[] predicted = predictions(logits);
        assertTrue(new HashSet<>(List.of(box(toDoubles(predicted)))).size() > 1, "a model predicting one class tests little");
        TwinTrainModel model = TwinTrainModel.create(description("secureml", 0.125), parameters(net));
        for (Kind kind : Kind.values()) {
            assertMatchesEngine(model.transform(frame(x, predicted, kind)), logits, "prediction");
        }
    }

    private static double[] toDoubles(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void saveAndLoadGiveTheSameParamsAndPredictions(@TempDir Path dir) throws IOException {
        Classifier net = network("secureml", 0.125, 5);
        double[][] x = features(6);
        double[][] logits = engineLogits(net, x);
        TwinTrainModel model = TwinTrainModel.create(description("secureml", 0.125), parameters(net))
                .setPredictionCol("pred").setBatchSize(16);
        String path = dir.resolve("model").toString();
        model.save(path);
        assertTrue(Files.isDirectory(dir.resolve("model/metadata")));
        assertTrue(Files.isDirectory(dir.resolve("model/data")));

        TwinTrainModel loaded = TwinTrainModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.description(), loaded.description());
        assertEquals(model.parameters(), loaded.parameters());
        assertEquals("pred", loaded.getPredictionCol());
        assertEquals(16, loaded.getBatchSize());
        assertMatchesEngine(loaded.transform(frame(x, predictions(logits), Kind.DOUBLES)), logits, "pred");

        // An existing path is refused unless overwrite is asked for.
        assertThrows(IOException.class, () -> model.write().save(path));
        model.write().overwrite().save(path);

        // Spark's own reader understands the metadata.
        DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, LocalSpark.get(),
                TwinTrainModel.class.getName());
        assertEquals(model.uid(), meta.uid());
        assertEquals(LocalSpark.get().version(), meta.sparkVersion());
    }

    @Test
    void paramsJsonHoldsTheDescriptionButNoParameterValue(@TempDir Path dir) throws IOException {
        Classifier net = network("secureml", 0.125, 8);
        TwinTrainModel model = TwinTrainModel.create(description("secureml", 0.125), parameters(net));
        String path = dir.resolve("m").toString();
        model.save(path);
        String json;
        try (Stream<Path> files = Files.list(dir.resolve("m/metadata"))) {
            Path part = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            json = Files.readString(part).trim();
        }
        JsonNode meta = new ObjectMapper().readTree(json);
        assertEquals(TwinTrainModel.class.getName(), meta.get("class").asText());
        JsonNode set = meta.get("paramMap");
        assertEquals("secureml", set.get("architecture").asText());
        assertEquals(0.125, set.get("width").asDouble());
        assertEquals("[1,3,4]", set.get("inputShape").toString());
        assertEquals(CLASSES, set.get("classes").asInt());
        assertEquals(16, set.get("fractionalBits").asInt());
        assertEquals("run-7", set.get("runId").asText());
        assertEquals("features", meta.get("defaultParamMap").get("featuresCol").asText());

        Set<String> names = new HashSet<>();
        meta.get("paramMap").fieldNames().forEachRemaining(names::add);
        meta.get("defaultParamMap").fieldNames().forEachRemaining(names::add);
        Set<String> params = new HashSet<>();
        for (org.apache.spark.ml.param.Param<?> p : model.params()) {
            params.add(p.name());
        }
        assertEquals(params, names, "the metadata holds Params and nothing else");
        for (DoubleMatrix m : model.parameters().values()) {
            for (double v : m.data()) {
                assertFalse(json.contains(Double.toString(v)), "a parameter value appears in the metadata");
            }
        }
    }

    @Test
    void pipelineAndMulticlassEvaluatorSeeTheEngineAccuracy(@TempDir Path dir) throws IOException {
        Classifier net = network("logreg", 1.0, 9);
        double[][] x = features(10);
        double[][] logits = engineLogits(net, x);
        int[] predicted = predictions(logits);
        // Separate columns f0..f11 that a VectorAssembler joins: the model as the second stage of a Pipeline.
        List<Row> rows = new ArrayList<>();
        StructType schema = new StructType().add("id", DataTypes.LongType);
        for (int j = 0; j < INPUT.size(); j++) {
            schema = schema.add("f" + j, DataTypes.DoubleType);
        }
        schema = schema.add("label", DataTypes.IntegerType);
        int correct = 0;
        for (int i = 0; i < ROWS; i++) {
            Object[] v = new Object[INPUT.size() + 2];
            v[0] = (long) i;
            for (int j = 0; j < INPUT.size(); j++) {
                v[j + 1] = x[i][j];
            }
            int label = i % 4 == 0 ? (predicted[i] + 1) % CLASSES : predicted[i];
            correct += label == predicted[i] ? 1 : 0;
            v[INPUT.size() + 1] = label;
            rows.add(RowFactory.create(v));
        }
        Dataset<Row> df = LocalSpark.get().createDataFrame(rows, schema).repartition(2);
        String[] inputs = new String[INPUT.size()];
        for (int j = 0; j < inputs.length; j++) {
            inputs[j] = "f" + j;
        }
        TwinTrainModel model = TwinTrainModel.create(description("logreg", 1.0), parameters(net));
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(inputs).setOutputCol("features"), model});
        PipelineModel fitted = pipeline.fit(df);
        MulticlassClassificationEvaluator evaluator = new MulticlassClassificationEvaluator()
                .setLabelCol("label").setPredictionCol("prediction").setMetricName("accuracy");
        double expected = (double) correct / ROWS;
        assertEquals(expected, evaluator.evaluate(fitted.transform(df)), 1e-12);

        // The pipeline persists with the model inside and scores the same after loading.
        String path = dir.resolve("pipeline").toString();
        fitted.save(path);
        PipelineModel reloaded = PipelineModel.load(path);
        assertEquals(expected, evaluator.evaluate(reloaded.transform(df)), 1e-12);
        assertEquals(0.0, new MulticlassClassificationEvaluator().setMetricName("logLoss")
                .evaluate(reloaded.transform(df)) - new MulticlassClassificationEvaluator().setMetricName("logLoss")
                .evaluate(fitted.transform(df)), 1e-12);
    }

    @Test
    void wrongFeatureLengthNamesTheColumnAndTheExpectedLength() {
        Classifier net = network("logreg", 1.0, 11);
        TwinTrainModel model = TwinTrainModel.create(description("logreg", 1.0), parameters(net))
                .setFeaturesCol("pixels");
        Dataset<Row> df = LocalSpark.get().createDataFrame(List.of(RowFactory.create(List.of(1.0, 2.0, 3.0))),
                new StructType().add("pixels", DataTypes.createArrayType(DataTypes.DoubleType)));
        Exception e = assertThrows(Exception.class, () -> model.transform(df).collectAsList());
        String message = messages(e);
        assertTrue(message.contains("column 'pixels' holds 3 values in a row; the model expects 12 (input shape 1x3x4)"),
                message);

        Dataset<Row> noColumn = df.withColumnRenamed("pixels", "other");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> model.transform(noColumn));
        assertTrue(missing.getMessage().contains("features column 'pixels' not found"), missing.getMessage());

        Dataset<Row> text = LocalSpark.get().createDataFrame(List.of(RowFactory.create("a")),
                new StructType().add("pixels", DataTypes.StringType));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> model.transform(text));
        assertTrue(type.getMessage().contains("features column 'pixels' has type string"), type.getMessage());
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void parametersThatDoNotFitTheDescriptionAreRefused() {
        Map<String, DoubleMatrix> params = parameters(network("secureml", 0.125, 12));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> TwinTrainModel.create(description("secureml", 0.25), params));
        assertTrue(wide.getMessage().contains("parameter dense1.w is 12x16"), wide.getMessage());

        Map<String, DoubleMatrix> missing = new HashMap<>(params);
        missing.remove("dense1.b");
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> TwinTrainModel.create(description("secureml", 0.125), missing));
        assertTrue(names.getMessage().contains("the parameters do not fit"), names.getMessage());

        IllegalArgumentException approx = assertThrows(IllegalArgumentException.class, () -> new ModelDescription(
                "secureml", 0.125, 2, INPUT, CLASSES, false, 16, List.of("exp=pwl:99"), "", ""));
        assertTrue(approx.getMessage().contains("pwl:99"), approx.getMessage());
    }

    @Test
    void theDescriptionNamesTheParameterCountAndMultiplyAddsOfTheNetwork() {
        // SecureML's 784-128-128-10 network: (784 + 1) 128 + (128 + 1) 128 + (128 + 1) 10 weights and biases,
        // 784 x 128 + 128 x 128 + 128 x 10 multiply-adds per example.
        ModelDescription d = new ModelDescription("secureml", 1.0, 2, new org.twintrain.engine.Shape(784, 1, 1), 10, false,
                16, List.of("exp=pwl:4"), "", "");
        assertEquals("params=118282 macs/example=118016", d.networkSize());
        // the CNN of the CIFAR-10 run: three conv 3x3 blocks of 16, 32, 64 channels and a dense layer
        ModelDescription cnn = new ModelDescription("cnn", 1.0, 3, new org.twintrain.engine.Shape(3, 32, 32), 10, false,
                16, List.of("exp=pwl:4"), "", "");
        assertEquals("params=33834 macs/example=2811904", cnn.networkSize());
    }
}
