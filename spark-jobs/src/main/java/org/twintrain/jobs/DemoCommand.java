package org.twintrain.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.twintrain.dataprep.etl.PrepJob;
import org.twintrain.dataprep.etl.PrepOptions;
import org.twintrain.dataprep.etl.PreparedDataset;
import org.twintrain.engine.models.Classifier;
import org.twintrain.jobs.reveal.ModelReveal;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.jobs.train.SecureTrainJob;
import org.twintrain.jobs.train.ServerReport;
import org.twintrain.jobs.train.TlsChannelOpener;
import org.twintrain.jobs.train.TrainCommand;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.store.StoreLayout;

/**
 * The whole pipeline on its embedded default, real handwritten digits: writes the UCI optical digits packed in
 * the build (1,797 8x8 images, CC BY 4.0, see data-prep's {@code twintrain/data/digits/PROVENANCE.md}), prepares
 * them (data-prep ETL: the first 1,437 images train, the last 360 held out), shares the training split into two
 * server stores, makes the run's triples (the offline phase), trains the configured model (the demo's default:
 * the MLP {@code secureml}, 64-128-128-10) on two parties (one long-lived task per server pool, mutual TLS on
 * loopback, key pairs made for the run), reveals the model and evaluates it on the held-out split, next to the
 * same run in fixed-point emulation and in double precision.
 */
final class DemoCommand implements Command {
    static final String MARKER = ".twintrain-demo";
    /** The demo's own defaults under the user's --conf and --set: an MLP rather than the global logreg. */
    static final Map<String, String> DEMO_DEFAULTS = Map.of("model.name", "secureml");
    static final int FEATURES = org.twintrain.dataprep.format.DigitsReader.FEATURES;
    static final int CLASSES = org.twintrain.dataprep.format.DigitsReader.CLASSES;

    /** What the demo measured, for its caller (tests). */
    record Outcome(double secureAccuracy, double emulationAccuracy, double doubleAccuracy, ServerReport server0,
            ServerReport server1, long trainRows, long testRows) {
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "end to end on real digits: prep, share, triples, train on two servers over TLS, reveal, evaluate";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain demo [--work DIR] [--conf FILE] [--set key=value ...]

                Trains on the UCI optical digits packed in the build (1,797 handwritten 8x8 images, CC BY 4.0):
                prepares them (the first 1,437 train, the last 360 held out), shares the training split into
                DIR/store0 and DIR/store1, makes the run's triples (offline phase) into the same stores, trains
                model.name (the demo's default: secureml, the MLP 64-128-128-10) on two parties (server 0 and
                server 1 in their own FAIR pools, mutual TLS on loopback), reveals the model and prints its
                held-out accuracy next to the fixed-point emulation and double precision.
                DIR defaults to demo.workDir (target/demo) and is wiped first if an earlier demo made it.

                  --work DIR   the demo's work folder""";
    }

    @Override
    public int run(String[] args) throws Exception {
        TwinTrainConf base = TwinTrainConf.defaults();
        for (Map.Entry<String, String> e : DEMO_DEFAULTS.entrySet()) {
            base = base.with(e.getKey(), e.getValue());
        }
        CommandLine line = CommandLine.parse(name(), args, Set.of("work"), Set.of(), base);
        TwinTrainConf conf = line.conf();
        Path work = Path.of(line.get("work", conf.get("demo.workDir"))).toAbsolutePath();
        return SparkSessions.run("twintrain-demo", conf, spark -> {
            Outcome o = run(spark, conf, work);
            System.out.printf("%n%-34s %s%n", "held-out accuracy of " + conf.get("model.name"), "");
            System.out.printf("  %-32s %6.2f %%%n", "secure, two servers (revealed)", 100 * o.secureAccuracy());
            System.out.printf("  %-32s %6.2f %%%n", "fixed-point emulation (f=" + conf.get("ring.fractionalBits") + ")",
                    100 * o.emulationAccuracy());
            System.out.printf("  %-32s %6.2f %%%n", "double precision", 100 * o.doubleAccuracy());
            System.out.printf("  %-32s %.1f %%%n", "chance", 100.0 / CLASSES);
            System.out.printf("(%d training and %d held-out images of the UCI optical digits, CC BY 4.0)%n",
                    o.trainRows(), o.testRows());
            return 0;
        });
    }

    static Outcome run(SparkSession spark, TwinTrainConf conf, Path work) throws Exception {
        prepareWorkDir(work);
        long seed = conf.getLong("train.seed");
        Map<String, String> settings = conf.asMap();
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));

        long t = System.nanoTime();
        step("1/6 data", "UCI optical digits: 1,797 handwritten 8x8 images, 10 classes (CC BY 4.0)");
        Path raw = org.twintrain.dataprep.format.DigitsReader.writeEmbedded(work.resolve("raw/optdigits.csv.gz"));

        step("2/6 prepare", "data-prep ETL to Parquet: first 1,437 images train, last 360 held out");
        Path prepared = work.resolve("prepared");
        PrepJob.run(spark, PrepOptions.parse("--dataset", "digits", "--input", raw.toString(), "--output",
                prepared.toString(), "--partitions", "2"));
        PreparedDataset data = PreparedDataset.load(spark, prepared.toString());
        Dataset<Row> train = data.split("train");
        Dataset<Row> test = data.split("test");
        int features = FEATURES;
        int classes = CLASSES;

        step("3/6 share", "training split into two server stores (server 0 keeps seeds, server 1 the rest)");
        StoreLayout store0 = new StoreLayout(work.resolve("store0").toString());
        StoreLayout store1 = new StoreLayout(work.resolve("store1").toString());
        ShareJob.Result shared = ShareJob.share(spark, train, data.dataset(), "train", features, classes, codec, 2,
                store0, store1, false);

        step("4/6 triples", "offline phase: the run's plan of triples, each server's half into its own store");
        TriplePlan plan = EngineProgram.plan(settings, shared.server0());
        TripleJob.Result triples = TripleJob.run(spark, plan, store0, store1, 2, false);
        System.out.println("  " + triples.summary());
        conf = conf.with("triples.plan", plan.id());

        step("5/6 train", conf.get("model.name") + " on two parties, " + conf.get("train.epochs") + " epochs, "
                + conf.get("approx.exp") + " softmax, mutual TLS");
        String runId = "demo-" + HexFormat.of().formatHex(randomBytes(6));
        TlsChannelOpener channels = new TlsChannelOpener(conf.get("channel.host"), TrainCommand.port(conf), runId,
                keyPairs(work), conf.getLong("channel.connectTimeoutMs"), conf.getLong("channel.readTimeoutMs"));
        SecureTrainJob.Result result = SecureTrainJob.run(spark, conf, store0, store1, "train", runId,
                new EngineProgram(), channels);
        report(result.server0());
        report(result.server1());

        step("6/6 reveal", "the model owner sums the two model shares and evaluates");
        ModelReveal.RevealedParameters revealed = ModelReveal.reveal(store0, store1, runId,
                spark.sparkContext().hadoopConfiguration());
        Classifier secure = EngineProgram.withParameters(settings, features, classes, revealed.parameters());

        Examples testSet = Examples.collect(test.orderBy("id"), features);
        double secureAccuracy = EngineProgram.accuracy(secure, settings, testSet.features, testSet.labels);
        // The emulations see the training rows in the order the servers hold them (public row ids).
        List<Long> order = spark.read().parquet(store1.data("train") + "/data").orderBy("partition", "position")
                .select("row_id").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
        Examples trainSet = Examples.collect(train, features).reorder(order);
        double emulation = emulate(FixedPointArithmetic.emulation(codec, seed), settings, trainSet, testSet, features,
                classes);
        double dbl = emulate(new DoubleArithmetic(), settings, trainSet, testSet, features, classes);
        System.out.printf("demo: done in %.1f s; work folder %s%n", (System.nanoTime() - t) / 1e9, work);
        return new Outcome(secureAccuracy, emulation, dbl, result.server0(), result.server1(), trainSet.labels.length,
                testSet.labels.length);
    }

    private static double emulate(Arithmetic a, Map<String, String> settings, Examples train, Examples test,
            int features, int classes) {
        double[] x = new double[train.features.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = train.features[i];
        }
        double[] y = new double[train.labels.length * classes];
        for (int i = 0; i < train.labels.length; i++) {
            y[i * classes + train.labels[i]] = 1.0;
        }
        Classifier trained = EngineProgram.train(a, a.fromPublic(train.labels.length, features, x),
                a.fromPublic(train.labels.length, classes, y), settings, null);
        Map<String, org.twintrain.sharing.arith.Matrix> params = new java.util.LinkedHashMap<>();
        trained.params().forEach(p -> params.put(p.name(), new org.twintrain.sharing.arith.DoubleMatrix(
                p.value().rows(), p.value().cols(), a.reveal(p.value()))));
        Classifier model = EngineProgram.withParameters(settings, features, classes, params);
        return EngineProgram.accuracy(model, settings, test.features, test.labels);
    }

    /** Features and labels gathered on the driver (the model owner's own evaluation data). */
    private record Examples(long[] ids, float[] features, int[] labels) {
        static Examples collect(Dataset<Row> rows, int width) {
            List<Row> list = rows.select("id", "features", "label").collectAsList();
            long[] ids = new long[list.size()];
            float[] f = new float[list.size() * width];
            int[] l = new int[list.size()];
            for (int i = 0; i < list.size(); i++) {
                Row r = list.get(i);
                ids[i] = r.getLong(0);
                List<Float> v = r.getList(1);
                for (int j = 0; j < width; j++) {
                    f[i * width + j] = v.get(j);
                }
                l[i] = r.getInt(2);
            }
            return new Examples(ids, f, l);
        }

        Examples reorder(List<Long> order) {
            Map<Long, Integer> at = new java.util.HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                at.put(ids[i], i);
            }
            int width = features.length / labels.length;
            long[] ids2 = new long[order.size()];
            float[] f = new float[order.size() * width];
            int[] l = new int[order.size()];
            for (int i = 0; i < order.size(); i++) {
                int from = at.get(order.get(i));
                ids2[i] = ids[from];
                System.arraycopy(features, from * width, f, i * width, width);
                l[i] = labels[from];
            }
            return new Examples(ids2, f, l);
        }
    }

    /** A fresh key pair per server; each server's task reads its own key and the peer's certificate only. */
    private static String[][] keyPairs(Path work) throws IOException {
        String[][] files = new String[2][];
        for (int p = 0; p < 2; p++) {
            Path dir = Files.createDirectories(work.resolve("server" + p).resolve("keys"));
            PeerIdentity.generate("twintrain-demo-server" + p).write(dir.resolve("key.pem"), dir.resolve("cert.pem"));
        }
        for (int p = 0; p < 2; p++) {
            Path own = work.resolve("server" + p).resolve("keys");
            Path peer = work.resolve("server" + (1 - p)).resolve("keys");
            files[p] = new String[] {own.resolve("key.pem").toString(), own.resolve("cert.pem").toString(),
                peer.resolve("cert.pem").toString()};
        }
        return files;
    }


    /** Wipes a folder the demo made before (it carries the marker); refuses to touch anything else. */
    static void prepareWorkDir(Path work) throws IOException {
        if (Files.exists(work)) {
            boolean empty;
            try (Stream<Path> s = Files.list(work)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(work.resolve(MARKER))) {
                throw new IllegalArgumentException(work + " exists and was not made by the demo; choose another --work");
            }
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        Files.createFile(work.resolve(MARKER));
    }

    private static void step(String step, String what) {
        System.out.printf("demo %-12s %s%n", step, what);
    }

    private static void report(ServerReport r) {
        System.out.printf("  server %d: %d rows, %.1f s, %,d bytes sent, %,d rounds, %,d triples (executor %s)%n",
                r.party(), r.rows(), r.seconds(), r.bytesSent(), r.rounds(), r.triplesTaken(), r.executor());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
