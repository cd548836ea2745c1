package org.twintrain.jobs.reveal;

import java.util.Arrays;
import java.util.Set;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.ml.TwinTrainModel;

/**
 * {@code submit/twintrain evaluate}: scores a prepared data set with a saved {@link TwinTrainModel} and prints
 * a metric of MLlib's {@link MulticlassClassificationEvaluator} (accuracy by default).
 */
public final class EvaluateCommand implements Command {

    /** One evaluation: the metric's value over the rows of the data set. */
    public record Result(String metric, double value, long rows) {
    }

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "accuracy (or another multiclass metric) of a saved model on a prepared data set";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain evaluate --model PATH --data PARQUET [--label-col label]
                                                 [--features-col features] [--metric accuracy]

                Loads the model saved by `reveal` and the prepared Parquet data (a features column: array of
                numbers or ML vector; a numeric label column), scores it and prints the metric.
                  --metric  any metric of MLlib's MulticlassClassificationEvaluator: accuracy, f1,
                            weightedPrecision, weightedRecall, logLoss, ...""";
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(name(), args, Set.of("model", "data", "label-col", "features-col", "metric"),
                Set.of());
        String modelPath = line.require("model");
        String dataPath = line.require("data");
        return SparkSessions.run("twintrain evaluate", line.conf(), spark -> {
            TwinTrainModel model = TwinTrainModel.read().session(spark).load(modelPath);
            Result r = evaluate(spark, model, dataPath, line.get("label-col", "label"),
                    line.get("features-col", model.getFeaturesCol()), line.get("metric", "accuracy"));
            System.out.printf("%s %.6f on %d rows of %s%n  model: %s %s%n", r.metric(), r.value(), r.rows(), dataPath,
                    model.description().describe(), model.description().networkSize());
            return 0;
        });
    }

    public static Result evaluate(SparkSession spark, TwinTrainModel model, String dataPath, String labelCol,
            String featuresCol, String metric) {
        MulticlassClassificationEvaluator evaluator = new MulticlassClassificationEvaluator().setLabelCol(labelCol)
                .setPredictionCol(model.getPredictionCol()).setProbabilityCol(model.getProbabilityCol());
        if (!evaluator.metricName().isValid().apply(metric).equals(Boolean.TRUE)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "' (" + evaluator.metricName().doc() + ")");
        }
        evaluator.setMetricName(metric);
        Dataset<Row> data = spark.read().parquet(dataPath);
        if (!Arrays.asList(data.columns()).contains(labelCol)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' not found in " + dataPath
                    + "; the columns are " + Arrays.toString(data.columns()));
        }
        Dataset<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap()).setFeaturesCol(featuresCol)
                .transform(data).cache();
        try {
            return new Result(metric, evaluator.evaluate(scored), scored.count());
        } finally {
            scored.unpersist();
        }
    }
}
