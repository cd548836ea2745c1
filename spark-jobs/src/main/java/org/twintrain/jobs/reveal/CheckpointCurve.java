package org.twintrain.jobs.reveal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.twintrain.engine.Shape;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.ml.TwinTrainModel;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.CheckpointManifest;
import org.twintrain.store.CheckpointStore;
import org.twintrain.store.Manifests;
import org.twintrain.store.ModelShareManifest;
import org.twintrain.store.StoreLayout;

/**
 * The learning curve of a secure run: every checkpoint both servers kept ({@code train.checkpointKeepEvery}, e.g.
 * one per epoch) revealed from the two stores and scored with MLlib's evaluator on prepared data, one line per
 * step. An experiment's tool: it needs both servers' checkpoints, which in a deployment only the model owner's
 * final shares reach. Example:
 * <pre>
 * java -cp ... org.twintrain.jobs.reveal.CheckpointCurve --store0 S0 --store1 S1 --run RUN --conf run.properties \
 *   --input 3x32x32 --data PREPARED/data/split=dev
 * </pre>
 */
public final class CheckpointCurve {
    private CheckpointCurve() {
    }

    /** One revealed checkpoint's score. */
    public record Point(long step, double accuracy, long rows) {
    }

    public static void main(String[] argv) throws Exception {
        org.twintrain.jobs.CommandLine line = org.twintrain.jobs.CommandLine.parse("CheckpointCurve", argv,
                java.util.Set.of("store0", "store1", "run", "input", "data"), java.util.Set.of());
        TwinTrainConf conf = line.conf();
        Shape input = line.has("input") ? RevealCommand.parseShape(line.get("input", "")) : null;
        SparkSessions.run("CheckpointCurve", conf, spark -> {
            System.out.println("step\taccuracy\trows");
            for (Point p : curve(spark, conf, new StoreLayout(line.require("store0")),
                    new StoreLayout(line.require("store1")), line.require("run"), input, line.require("data"))) {
                System.out.printf(java.util.Locale.ROOT, "%d\t%.6f\t%d%n", p.step(), p.accuracy(), p.rows());
            }
            return null;
        });
    }

    /** The score of every step both stores hold a checkpoint of, ascending. */
    public static List<Point> curve(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String runId, Shape input, String dataPath) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        CheckpointStore c0 = new CheckpointStore(store0, runId, hadoop);
        CheckpointStore c1 = new CheckpointStore(store1, runId, hadoop);
        List<Long> steps = new ArrayList<>(c0.steps());
        steps.retainAll(c1.steps());
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("no step has a checkpoint of run " + runId + " in both " + c0.folder()
                    + " and " + c1.folder());
        }
        List<Point> out = new ArrayList<>();
        for (long step : steps) {
            TwinTrainModel model = RevealedModels.build(reveal(c0, c1, step, hadoop), conf,
                    new RevealedModels.Overrides(input, 0, 0));
            EvaluateCommand.Result r = EvaluateCommand.evaluate(spark, model, dataPath, "label", model.getFeaturesCol(),
                    "accuracy");
            out.add(new Point(step, r.value(), r.rows()));
        }
        return out;
    }

    /**
     * One step's checkpoint revealed in the ring: both servers' shares of the params and the momentum velocities
     * added up (the fixed-point values the run held), with server 0's manifest for provenance.
     */
    public record RingCheckpoint(CheckpointManifest manifest, Map<String, LongMatrix> params,
            Map<String, LongMatrix> velocities) {
    }

    /**
     * Both servers' shares of one checkpoint, checked to be one run's (server 1's of server 0's run, data session,
     * fixed point and model, the stores in the servers' order; each file against its checksum), added in the ring.
     */
    public static RingCheckpoint addUp(StoreLayout store0, StoreLayout store1, String runId, long step)
            throws IOException {
        // The default Hadoop configuration: the stores' URIs say which file system (as the jobs' stores do).
        Configuration hadoop = new Configuration();
        return addUp(new CheckpointStore(store0, runId, hadoop), new CheckpointStore(store1, runId, hadoop), step,
                hadoop);
    }

    /** As {@link #addUp(StoreLayout, StoreLayout, String, long)}, with the stores and Hadoop configuration given. */
    public static RingCheckpoint addUp(CheckpointStore c0, CheckpointStore c1, long step, Configuration hadoop)
            throws IOException {
        CheckpointManifest m0 = Manifests.read(c0.folder(step), CheckpointManifest.class, hadoop);
        CheckpointManifest m1 = Manifests.read(c1.folder(step), CheckpointManifest.class, hadoop);
        if (m0.party() != 0 || m1.party() != 1) {
            throw new IllegalArgumentException(c0.folder(step) + " and " + c1.folder(step) + " hold the checkpoints of"
                    + " servers " + m0.party() + " and " + m1.party() + "; give server 0's store first");
        }
        // read() checks each side's manifest against the expected fields and its files against their checksums.
        CheckpointManifest expect1 = new CheckpointManifest(m0.formatVersion(), 1, m0.runId(), step, m0.datasetId(),
                m0.sessionId(), m0.fractionalBits(), m0.model(), m0.params(), m0.velocities(), Map.of());
        CheckpointStore.State s0 = c0.read(step, m0);
        CheckpointStore.State s1 = c1.read(step, expect1);
        return new RingCheckpoint(m0, sum(s0.params(), s1.params(), step), sum(s0.velocities(), s1.velocities(), step));
    }

    private static Map<String, LongMatrix> sum(Map<String, LongMatrix> share0, Map<String, LongMatrix> share1,
            long step) {
        if (!share0.keySet().equals(share1.keySet())) {
            throw new IllegalArgumentException("the checkpoints of step " + step + " hold different parameters");
        }
        Map<String, LongMatrix> out = new LinkedHashMap<>();
        share0.forEach((name, m) -> out.put(name, m.add(share1.get(name))));
        return out;
    }

    /** Both servers' parameter shares of one checkpoint, checked to be one run's, added up and decoded. */
    static ModelReveal.RevealedParameters reveal(CheckpointStore c0, CheckpointStore c1, long step,
            Configuration hadoop) throws IOException {
        RingCheckpoint ring = addUp(c0, c1, step, hadoop);
        CheckpointManifest m0 = ring.manifest();
        Map<String, DoubleMatrix> params = ModelReveal.decode(ring.params(), new FixedPoint(m0.fractionalBits()));
        ModelShareManifest provenance = new ModelShareManifest(ModelShareManifest.FORMAT_VERSION, 0, m0.runId(),
                m0.datasetId(), m0.sessionId(), m0.fractionalBits(), m0.model(), List.copyOf(params.keySet()), Map.of());
        return new ModelReveal.RevealedParameters(provenance, params);
    }
}
