package org.twintrain.jobs.reveal;

import java.io.IOException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import org.twintrain.engine.Shape;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.ml.TwinTrainModel;
import org.twintrain.store.StoreLayout;

/**
 * {@code submit/twintrain reveal}: the model owner combines both servers' model shares of a run into a
 * cleartext {@link TwinTrainModel} and saves it in Spark ML's layout. Prints the parameter count and the
 * provenance, never a parameter value.
 */
public final class RevealCommand implements Command {

    /** What was revealed and where it went. */
    public record Summary(String path, TwinTrainModel model) {
        public String describe() {
            return "revealed run " + model.description().runId() + " (data set " + model.description().datasetId()
                    + "): " + model.parameterNames().size() + " tensors, " + model.parameterCount() + " values\n  "
                    + model.description().describe() + " " + model.description().networkSize() + "\n  saved to " + path;
        }
    }

    @Override
    public String name() {
        return "reveal";
    }

    @Override
    public String summary() {
        return "combine both servers' model shares into a Spark ML model (the model owner's step)";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain reveal --store0 DIR --store1 DIR --run RUN --out PATH [--overwrite]
                                               [--input CxHxW] [--classes N] [--depth N] [--conf FILE] [--set k=v]
                       submit/twintrain reveal --share0 DIR --share1 DIR --run RUN --out PATH [same options]

                Reads server 0's and server 1's model shares of RUN (checksums, run and session checked), adds
                them, and saves the cleartext model at PATH (metadata/ + data/, loadable with TwinTrainModel.load
                or inside a PipelineModel). An existing PATH is refused unless --overwrite.
                  --store0, --store1  the two servers' store roots (local folders or hdfs://)
                  --share0, --share1  or the two model-share folders (STORE/model/RUN) as each server handed them
                                      over, when each server runs its own application
                  --run               the training run id
                  --out               where to save the model
                  --input             input shape of one example; inferred (flat) for logistic and secureml
                  --classes, --depth  override what is read from the parameters
                The width and approximations are the configuration's (model.width, approx.*): pass the training
                run's --conf file.""";
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(name(), args,
                Set.of("store0", "store1", "share0", "share1", "run", "out", "input", "classes", "depth"),
                Set.of("overwrite"));
        boolean shares = line.has("share0") || line.has("share1");
        if (shares == (line.has("store0") || line.has("store1"))) {
            throw new IllegalArgumentException("give either --store0 and --store1 (the two stores) or --share0 and"
                    + " --share1 (the two model-share folders)");
        }
        String run = line.require("run");
        Path folder0 = shares ? new Path(line.require("share0")) : new StoreLayout(line.require("store0")).model(run);
        Path folder1 = shares ? new Path(line.require("share1")) : new StoreLayout(line.require("store1")).model(run);
        String out = line.require("out");
        RevealedModels.Overrides given = new RevealedModels.Overrides(
                line.has("input") ? parseShape(line.get("input", "")) : null,
                positive(line.get("classes", "0"), "classes"), positive(line.get("depth", "0"), "depth"));
        return SparkSessions.run("twintrain reveal " + run, line.conf(), spark -> {
            Summary s = reveal(spark, line.conf(), folder0, folder1, run, out, line.has("overwrite"), given);
            System.out.println(s.describe());
            return 0;
        });
    }

    /** Reveals, builds and saves; refuses an existing output before reading any share. */
    public static Summary reveal(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String run, String out, boolean overwrite, RevealedModels.Overrides given) throws IOException {
        return reveal(spark, conf, store0.model(run), store1.model(run), run, out, overwrite, given);
    }

    /** The same from the two model-share folders. */
    public static Summary reveal(SparkSession spark, TwinTrainConf conf, Path share0, Path share1, String run,
            String out, boolean overwrite, RevealedModels.Overrides given) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(out);
        if (!overwrite && target.getFileSystem(hadoop).exists(target)) {
            throw new IllegalArgumentException(out + " already exists; refusing to overwrite it (use --overwrite)");
        }
        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(share0, share1, run, hadoop);
        TwinTrainModel model = RevealedModels.build(revealed, conf, given);
        MLWriter writer = model.write().session(spark);
        if (overwrite) {
            writer.overwrite();
        }
        writer.save(out);
        return new Summary(out, model);
    }

    public static Shape parseShape(String text) {
        String[] p = text.trim().split("x");
        try {
            if (p.length == 1) {
                return Shape.flat(Integer.parseInt(p[0]));
            }
            if (p.length == 3) {
                return new Shape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--input takes CxHxW (e.g. 3x32x32) or a feature count, got '" + text + "'");
    }

    private static int positive(String text, String option) {
        try {
            int v = Integer.parseInt(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--" + option + " takes a positive integer, got '" + text + "'");
    }
}
