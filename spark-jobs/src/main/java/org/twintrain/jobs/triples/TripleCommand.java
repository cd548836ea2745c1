package org.twintrain.jobs.triples;

import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * {@code submit/twintrain triples}: runs the {@link TripleJob} on a plan: either a recorded plan file, or the
 * plan of the configured training run on a shared data set (derived from the same configuration the train
 * command reads, and the data set's public manifest: row, feature and class counts).
 */
public final class TripleCommand implements Command {
    @Override
    public String name() {
        return "triples";
    }

    @Override
    public String summary() {
        return "offline phase: make both servers' triples of a training run's plan";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: submit/twintrain triples (--data NAME [--test NAME] | --plan FILE) --store0 ROOT --store1 ROOT",
                "                                [--tasks N] [--overwrite] [--window-steps N [--ahead K] [--idle-minutes M]]",
                "                                [--conf FILE] [--set key=value ...]",
                "",
                "  --data NAME     make the plan of the configured training run (model.*, train.*, approx.*, ring.*)",
                "                  on the data set NAME shared into the stores; prints the plan id, which the run",
                "                  then names in triples.plan",
                "  --test NAME     with --data: the run also evaluates on the shared test set NAME (train --test);",
                "                  the plan then holds the secure evaluation's keys too",
                "  --plan FILE     or a recorded triple plan (plan.txt, canonical text of TriplePlan), local or hdfs://",
                "  --store0 ROOT   server 0's store root: receives triples/PLAN_ID/ with the plan and a 32-byte seed",
                "  --store1 ROOT   server 1's store root: receives triples/PLAN_ID/ with its materialized halves",
                "  --tasks N       writer tasks, one part file each (default: Spark's default parallelism)",
                "  --overwrite     replace existing complete folders of the same plan",
                "  --window-steps N  deal the plan in windows of N training steps and stay at most --ahead windows",
                "                  (default 2) ahead of the run: the servers delete a window once a checkpoint both",
                "                  confirmed covers it, and this job waits for that before dealing the next (it runs",
                "                  beside training; rerun it to continue after a stop). --idle-minutes: give up when",
                "                  no window is consumed for that long (default 60)",
                "",
                "The plan's fractional bits and truncation mode must equal ring.fractionalBits and ring.truncation.",
                "The dealer seed is drawn fresh (SecureRandom) and never written.");
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine cl = CommandLine.parse(name(), args, Set.of("plan", "data", "test", "store0", "store1", "tasks",
                "window-steps", "ahead", "idle-minutes"),
                Set.of("overwrite"));
        TwinTrainConf conf = cl.conf();
        if (cl.has("plan") == cl.has("data")) {
            throw new IllegalArgumentException("give exactly one of --data NAME (the configured run's plan) and --plan FILE");
        }
        if ((cl.has("ahead") || cl.has("idle-minutes")) && !cl.has("window-steps")) {
            throw new IllegalArgumentException("--ahead and --idle-minutes go with --window-steps N");
        }
        if (cl.has("window-steps") && cl.has("overwrite")) {
            throw new IllegalArgumentException("--overwrite does not go with --window-steps: a windowed dealing "
                    + "continues where it stopped; deal into new stores to start over");
        }
        if (cl.has("test") && !cl.has("data")) {
            throw new IllegalArgumentException("--test NAME goes with --data NAME (a recorded --plan already holds its keys)");
        }
        return SparkSessions.run("twintrain triples", conf, spark -> {
            TriplePlan plan;
            if (cl.has("data")) {
                DataShareManifest data = Manifests.read(new StoreLayout(cl.require("store1")).data(cl.require("data")),
                        DataShareManifest.class, spark.sparkContext().hadoopConfiguration());
                DataShareManifest test = !cl.has("test") ? null : Manifests.read(new StoreLayout(cl.require("store1"))
                        .data(cl.require("test")), DataShareManifest.class, spark.sparkContext().hadoopConfiguration());
                plan = EngineProgram.plan(conf.asMap(), data, test);
                System.out.println("plan " + plan.id() + " of " + conf.get("model.name") + " on " + data.rows()
                        + " rows: set triples.plan=" + plan.id() + " for the training run");
            } else {
                Path planFile = new Path(cl.require("plan"));
                try (InputStream in = planFile.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(planFile)) {
                    plan = TriplePlan.read(in, null);
                }
            }
            checkConf(plan, conf);
            int tasks = Integer.parseInt(cl.get("tasks", String.valueOf(spark.sparkContext().defaultParallelism())));
            if (cl.has("window-steps")) {
                WindowedDealer.Report report;
                try (var progress = org.twintrain.jobs.progress.SparkJobProgress.start(spark.sparkContext(), "triples")) {
                    report = WindowedDealer.run(spark, plan, positive(cl, "window-steps", 0),
                            positive(cl, "ahead", 2), new StoreLayout(cl.require("store0")),
                            new StoreLayout(cl.require("store1")), tasks,
                            java.time.Duration.ofMinutes(positive(cl, "idle-minutes", 60)), System.out::println);
                }
                System.out.println(report.summary());
                return 0;
            }
            TripleJob.Result r;
            try (var progress = org.twintrain.jobs.progress.SparkJobProgress.start(spark.sparkContext(), "triples")) {
                r = TripleJob.run(spark, plan, new StoreLayout(cl.require("store0")),
                        new StoreLayout(cl.require("store1")), tasks, cl.has("overwrite"));
            }
            System.out.println(r.summary());
            return 0;
        });
    }

    private static int positive(CommandLine cl, String option, int otherwise) {
        String v = cl.get(option, String.valueOf(otherwise));
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " must be a positive whole number, got " + v);
        }
        if (n < 1) {
            throw new IllegalArgumentException("--" + option + " must be a positive whole number, got " + v);
        }
        return n;
    }

    /** Refuses a plan made for other fixed-point parameters than the configuration's. */
    static void checkConf(TriplePlan plan, TwinTrainConf conf) {
        int f = conf.getInt("ring.fractionalBits");
        TruncationMode mode = TruncationMode.parse(conf.get("ring.truncation"));
        if (plan.fractionalBits() != f || plan.truncation() != mode) {
            throw new IllegalArgumentException("plan " + plan.id() + " is for " + plan.fractionalBits()
                    + " fractional bits and truncation " + plan.truncation() + ", but the configuration says "
                    + "ring.fractionalBits=" + f + ", ring.truncation=" + conf.get("ring.truncation")
                    + "; record the plan with the run's settings");
        }
    }
}
