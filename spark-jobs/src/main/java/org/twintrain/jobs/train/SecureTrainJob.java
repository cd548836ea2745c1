package org.twintrain.jobs.train;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.DealerTripleSource;
import org.twintrain.sharing.triples.TripleLedger;
import org.twintrain.sharing.triples.TripleSource;
import org.twintrain.store.AtomicFolder;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.ModelShareManifest;
import org.twintrain.store.SeedFile;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TensorFile;

/**
 * Secure training in one Spark application whose two FAIR pools stand for the two servers. Each server's
 * loop runs in one long-lived task of its pool (submitted from its own driver thread, so both run at once):
 * server 0's task expands its half of the data from its seeds, server 1's task receives its materialized
 * half as rows, each opens its end of the channel, runs the same {@link SecureProgram} on {@link
 * TwoPartyArithmetic}, and writes its model share to its own store. The driver sees manifests and counters.
 *
 * <p>Triples: with {@code triples.plan} set, each task reads its own server's half of that plan from its own
 * store (made beforehand by the offline triple job), and the driver first checks that the plan is exactly
 * this run's. With it empty, the job uses the in-application dealer ({@link DealerTripleSource}): the driver draws a dealer
 * seed and both tasks derive their halves from it. That is only acceptable where one application stands for
 * both servers (the demo, tests); a real deployment uses the offline triple job's stored halves.
 */
public final class SecureTrainJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecureTrainJob.class);

    private SecureTrainJob() {
    }

    /** Server 1's training half and test half (null without a test set). */
    private record Halves(DataShares.Half train, DataShares.Half test) {
    }

    /** The outcome: both servers' counters and the model-share folders. */
    public record Result(ServerReport server0, ServerReport server1, Path model0, Path model1) {
    }

    public static Result run(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String dataName, String runId, SecureProgram program, ChannelOpener channels) throws Exception {
        return run(spark, conf, store0, store1, dataName, null, runId, program, channels);
    }

    /**
     * The same, and when testName is not null, after training both tasks evaluate the model on that shared
     * data set ({@link SecureProgram#evaluate}): only the count of correct predictions is revealed, to both.
     */
    public static Result run(SparkSession spark, TwinTrainConf conf, StoreLayout store0, StoreLayout store1,
            String dataName, String testName, String runId, SecureProgram program, ChannelOpener channels)
            throws Exception {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        DataShareManifest m0 = Manifests.read(store0.data(dataName), DataShareManifest.class, hadoop);
        DataShareManifest m1 = Manifests.read(store1.data(dataName), DataShareManifest.class, hadoop);
        checkHalves(m0, m1, conf, dataName);
        DataShareManifest t0 = null, t1 = null;
        if (testName != null) {
            t0 = Manifests.read(store0.data(testName), DataShareManifest.class, hadoop);
            t1 = Manifests.read(store1.data(testName), DataShareManifest.class, hadoop);
            checkHalves(t0, t1, conf, testName);
            if (t0.features() != m0.features() || t0.classes() != m0.classes()) {
                throw new IllegalArgumentException("test set " + testName + " has " + t0.features() + " features and "
                        + t0.classes() + " classes, the training set " + dataName + " " + m0.features() + " and "
                        + m0.classes());
            }
        }

        String planId = conf.get("triples.plan");
        if (!planId.isEmpty()) {
            checkStoredTriples(conf, store0, store1, planId, new DataShareManifest[] {m0, m1}, testName, hadoop);
        }
        byte[] dealerSeed = new byte[32];
        if (planId.isEmpty()) {
            new SecureRandom().nextBytes(dealerSeed);
        }
        Map<String, String> settings = conf.asMap();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        ServerWork work0 = new ServerWork(0, store0.root().toString(), dataName, testName, runId, m0, t0, settings,
                dealerSeed, program, channels);
        ServerWork work1 = new ServerWork(1, store1.root().toString(), dataName, testName, runId, m1, t1, settings,
                dealerSeed, program, channels);
        JavaRDD<Row> seeds0 = jsc.parallelize(List.of(org.apache.spark.sql.RowFactory.create(0)), 1);
        // Server 1's task receives its materialized rows: the training set (split 0), then the test set (split 1).
        org.apache.spark.sql.Dataset<Row> rows = spark.read().parquet(new Path(store1.data(dataName), "data").toString())
                .withColumn("split", functions.lit(0));
        if (testName != null) {
            rows = rows.unionByName(spark.read().parquet(new Path(store1.data(testName), "data").toString())
                    .withColumn("split", functions.lit(1)));
        }
        JavaRDD<Row> rows1 = rows.orderBy("split", "partition", "position").coalesce(1).javaRDD();

        int maxAttempts = conf.getInt("train.maxAttempts");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("train.maxAttempts must be at least 1, got " + maxAttempts);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                ServerReport[] r = attempt(jsc, seeds0, work0, rows1, work1, runId, attempt);
                return new Result(r[0], r[1], store0.model(runId), store1.model(runId));
            } catch (Exception e) {
                if (!retryable(e)) {
                    throw e;
                }
                if (attempt >= maxAttempts) {
                    throw new IllegalStateException("secure train " + runId + ": attempt " + attempt + " of " + maxAttempts
                            + " failed (" + rootMessage(e) + "); rerun with the same run id to resume"
                            + (conf.getLong("train.checkpointEvery") > 0 ? " from the last checkpoint both servers hold"
                                    : " (train.checkpointEvery is 0: from step 0)"), e);
                }
                LOG.warn("secure train {}: attempt {} of {} failed ({}); submitting both servers' tasks again{}", runId,
                        attempt, maxAttempts, rootMessage(e), conf.getLong("train.checkpointEvery") > 0
                                ? ", they resume from the last checkpoint both hold" : ", from step 0 (no checkpoints)");
            }
        }
    }

    /**
     * One attempt: both servers' tasks, each in its pool from its own driver thread. When one fails, the other's
     * job is cancelled (its peer is gone); both must have ended before a next attempt starts.
     */
    private static ServerReport[] attempt(JavaSparkContext jsc, JavaRDD<Row> seeds0, ServerWork work0, JavaRDD<Row> rows1,
            ServerWork work1, String runId, int attempt) throws Exception {
        String[] groups = {"twintrain-" + runId + "-attempt" + attempt + "-server0",
            "twintrain-" + runId + "-attempt" + attempt + "-server1"};
        ExecutorService drivers = Executors.newFixedThreadPool(2);
        try {
            ExecutorCompletionService<ServerReport> done = new ExecutorCompletionService<>(drivers);
            List<Future<ServerReport>> futures = List.of(
                    done.submit(() -> runInPool(jsc, "server0", groups[0], seeds0, work0, runId)),
                    done.submit(() -> runInPool(jsc, "server1", groups[1], rows1, work1, runId)));
            ServerReport[] reports = new ServerReport[2];
            Exception failure = null;
            for (int i = 0; i < 2; i++) {
                Future<ServerReport> f = done.take();
                int p = futures.indexOf(f);
                try {
                    reports[p] = f.get();
                } catch (ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception c ? c : e;
                    if (failure == null) {
                        failure = cause;
                        if (!futures.get(1 - p).isDone()) {
                            jsc.cancelJobGroup(groups[1 - p]);
                        }
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return reports;
        } finally {
            drivers.shutdownNow();
        }
    }

    /**
     * Whether another attempt may succeed: not for bad input or a refused triple (the same attempt would fail
     * the same way), yes for anything else (a broken channel, a lost task, a failed write).
     */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof UnsupportedOperationException
                    || t instanceof LinkageError || t instanceof org.twintrain.sharing.triples.TripleReuseException
                    || t instanceof org.twintrain.sharing.triples.MissingTripleException) {
                return false;
            }
            for (Throwable other : t.getSuppressed()) {
                if (!retryable(other)) {
                    return false; // the other server's failure, e.g. a bad checkpoint behind a broken channel
                }
            }
        }
        return true;
    }

    /** The innermost error of ours in the chain (e.g. the channel's, naming the peer), else the root cause. */
    private static String rootMessage(Throwable e) {
        Throwable ours = null, t = e;
        for (; t.getCause() != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getName().startsWith("org.twintrain.")) {
                ours = t;
            }
        }
        if (t.getClass().getName().startsWith("org.twintrain.")) {
            ours = t;
        }
        Throwable shown = ours != null ? ours : t;
        return shown.getClass().getSimpleName() + ": " + shown.getMessage();
    }

    private static ServerReport runInPool(JavaSparkContext jsc, String pool, String group, JavaRDD<Row> input,
            ServerWork work, String runId) {
        jsc.setLocalProperty("spark.scheduler.pool", pool);
        jsc.setJobGroup(group, "secure train " + runId + ": " + pool, true);
        jsc.setJobDescription("secure train " + runId + ": " + pool + "'s training loop (" + work.settings().get("model.name")
                + ", one long-lived task talking to the other server over the peer channel)");
        List<ServerReport> reports = input.mapPartitions(work).collect();
        if (reports.size() != 1) {
            throw new IllegalStateException(pool + " produced " + reports.size() + " reports, expected 1");
        }
        return reports.get(0);
    }

    /**
     * Before anything runs: the stored triples of planId must be exactly the plan this run will consume (same
     * keys, fixed point and truncation), in both stores, each holding its own server's half.
     */
    static void checkStoredTriples(TwinTrainConf conf, StoreLayout store0, StoreLayout store1, String planId,
            DataShareManifest[] halves, String testName, Configuration hadoop) throws IOException {
        DataShareManifest data = halves[0];
        if (testName != null) {
            throw new IllegalArgumentException("secure evaluation draws triples outside the training plan: run it with "
                    + "the in-application dealer (triples.plan empty) or without a test set");
        }
        String needed = EngineProgram.plan(conf.asMap(), (int) data.rows(), data.features(), data.classes()).id();
        if (!needed.equals(planId)) {
            throw new IllegalArgumentException("triples.plan " + planId + " is not the plan of this run (" + needed
                    + "): the triples were made for another model, data size, batch size, epochs or encoding");
        }
        for (int party = 0; party < 2; party++) {
            org.twintrain.store.TripleManifest m = org.twintrain.store.TripleStore.manifest(party == 0 ? store0 : store1,
                    party, planId, hadoop);
            org.twintrain.store.TripleStore.checkMatchesData(m, halves[party]);
        }
    }

    static void checkHalves(DataShareManifest m0, DataShareManifest m1, TwinTrainConf conf, String dataName) {
        if (m0.party() != 0 || m1.party() != 1) {
            throw new IllegalArgumentException("data set " + dataName + ": store 0 holds party " + m0.party()
                    + "'s half and store 1 party " + m1.party() + "'s; each store must hold its own server's half");
        }
        if (!m0.sessionId().equals(m1.sessionId())) {
            throw new IllegalArgumentException("data set " + dataName + ": the two halves come from different sharing"
                    + " sessions (" + m0.sessionId() + " vs " + m1.sessionId() + "); share the data again");
        }
        int f = conf.getInt("ring.fractionalBits");
        if (m0.fractionalBits() != f) {
            throw new IllegalArgumentException("data set " + dataName + " is encoded with " + m0.fractionalBits()
                    + " fractional bits but ring.fractionalBits is " + f);
        }
    }

    /** One server's task: everything it touches is its own store, its own triples and its channel end. */
    private record ServerWork(int party, String storeRoot, String dataName, String testName, String runId,
            DataShareManifest manifest, DataShareManifest testManifest, Map<String, String> settings,
            byte[] dealerSeed, SecureProgram program, ChannelOpener channels)
            implements FlatMapFunction<Iterator<Row>, ServerReport> {

        @Override
        public Iterator<ServerReport> call(Iterator<Row> input) throws Exception {
            long start = System.nanoTime();
            Configuration hadoop = new Configuration();
            StoreLayout store = new StoreLayout(storeRoot);
            DataShares.Half half;
            DataShares.Half test = null;
            if (party == 0) {
                half = expandSeeds(store, hadoop, dataName, manifest);
                test = testName == null ? null : expandSeeds(store, hadoop, testName, testManifest);
            } else {
                Halves h = materialize(input);
                half = h.train();
                test = h.test();
            }
            FixedPoint codec = new FixedPoint(manifest.fractionalBits());
            TruncationMode truncation = TruncationMode.valueOf(settings.get("ring.truncation").toUpperCase());
            RunCheckpoints.claimRun(party, runId, store, manifest, settings, hadoop);
            TripleLedger ledger = settings.get("triples.plan").isEmpty() ? null : ledger(store, settings.get("triples.plan"));
            try (TripleLedger closesLedger = ledger;
                    Channel channel = channels.open(party, 0);
                    TripleSource triples = triples(store, hadoop, codec, truncation, ledger)) {
                TwoPartyArithmetic arithmetic = new TwoPartyArithmetic(party, channel, triples, codec, truncation);
                RunCheckpoints checkpoints = RunCheckpoints.forServer(party, runId, store, manifest, settings, hadoop,
                        channel, ledger, triples);
                Map<String, LongMatrix> model = program.trainTask(arithmetic, half.features(), half.labels(),
                        settings, DataParallel.single(half.features().rows()), checkpoints);
                long correct = -1;
                if (test != null) {
                    correct = program.evaluate(arithmetic, model, test.features(), test.labels(), settings);
                }
                writeModel(store, hadoop, model, codec, triples.consumed().size());
                checkpoints.finish();
                double seconds = (System.nanoTime() - start) / 1e9;
                String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId() + "@"
                        + SparkEnv.get().blockManager().blockManagerId().host();
                return List.of(new ServerReport(party, 0, executor, half.features().rows(),
                        channel.stats().bytesSent(), channel.stats().bytesReceived(), channel.stats().rounds(),
                        triples.consumed().size(), seconds, test == null ? 0 : test.features().rows(), correct))
                        .iterator();
            }
        }

        /** This server's stored half of the run's plan, or the in-application dealer when no plan is set. */
        private TripleSource triples(StoreLayout store, Configuration hadoop, FixedPoint codec, TruncationMode truncation,
                TripleLedger ledger) throws IOException {
            String planId = settings.get("triples.plan");
            if (planId.isEmpty()) {
                return new DealerTripleSource(party, dealerSeed, codec);
            }
            return org.twintrain.store.TripleStore.open(store, party, planId, codec, truncation, ledger, false, hadoop);
        }

        /**
         * The ledger of this party's consumed keys of the plan, beside its triples: a later run that would take a
         * key again is refused. Resumable: keys are written when a checkpoint both servers hold commits (see
         * {@link RunCheckpoints}), so a retried attempt may replay the steps after it. Kept for local stores; on
         * a remote file system (hdfs://) the append-only ledger would need that file system's append, which is
         * not wired yet (null: no ledger).
         */
        private TripleLedger ledger(StoreLayout store, String planId) throws IOException {
            java.net.URI root = store.root().toUri();
            if (root.getScheme() != null && !root.getScheme().equals("file")) {
                return null;
            }
            java.nio.file.Path file = java.nio.file.Path.of(root.getPath(), "triples", planId, "ledger-party" + party + ".txt");
            return TripleLedger.openResumable(file, planId, party, runId);
        }

        private static DataShares.Half expandSeeds(StoreLayout store, Configuration hadoop, String dataName,
                DataShareManifest manifest) throws IOException {
            byte[][] seeds = SeedFile.read(new Path(store.data(dataName), "seeds.bin"), hadoop);
            if (seeds.length != manifest.partitions().size()) {
                throw new IllegalArgumentException(store.data(dataName) + ": " + seeds.length + " seeds for "
                        + manifest.partitions().size() + " partitions");
            }
            int rows = (int) manifest.rows();
            long[] x = new long[rows * manifest.features()];
            long[] y = new long[rows * manifest.classes()];
            int at = 0;
            for (int p = 0; p < seeds.length; p++) {
                int n = manifest.partitions().get(p);
                DataShares.Half part = DataShares.expand(seeds[p], n, manifest.features(), manifest.classes());
                System.arraycopy(part.features().data(), 0, x, at * manifest.features(), n * manifest.features());
                System.arraycopy(part.labels().data(), 0, y, at * manifest.classes(), n * manifest.classes());
                at += n;
            }
            return new DataShares.Half(new LongMatrix(rows, manifest.features(), x),
                    new LongMatrix(rows, manifest.classes(), y));
        }

        private Halves materialize(Iterator<Row> rows) {
            Rows train = new Rows(dataName, manifest);
            Rows test = testName == null ? null : new Rows(testName, testManifest);
            while (rows.hasNext()) {
                Row r = rows.next();
                int split = r.getInt(r.fieldIndex("split"));
                (split == 0 ? train : test).add(r);
            }
            return new Halves(train.half(), test == null ? null : test.half());
        }

        /** Server 1's half of one data set, filled row by row in the stored order. */
        private static final class Rows {
            private final String name;
            private final DataShareManifest manifest;
            private final int n;
            private final long[] x;
            private final long[] y;
            private int at;

            Rows(String name, DataShareManifest manifest) {
                this.name = name;
                this.manifest = manifest;
                this.n = (int) manifest.rows();
                this.x = new long[n * manifest.features()];
                this.y = new long[n * manifest.classes()];
            }

            void add(Row r) {
                if (at == n) {
                    throw new IllegalArgumentException("store 1 holds more rows of " + name + " than its manifest ("
                            + n + ")");
                }
                List<Long> f = r.getList(3);
                List<Long> l = r.getList(4);
                for (int j = 0; j < manifest.features(); j++) {
                    x[at * manifest.features() + j] = f.get(j);
                }
                for (int c = 0; c < manifest.classes(); c++) {
                    y[at * manifest.classes() + c] = l.get(c);
                }
                at++;
            }

            DataShares.Half half() {
                if (at != n) {
                    throw new IllegalArgumentException("store 1 holds " + at + " rows of " + name
                            + " but its manifest says " + n);
                }
                return new DataShares.Half(new LongMatrix(n, manifest.features(), x),
                        new LongMatrix(n, manifest.classes(), y));
            }
        }

        private void writeModel(StoreLayout store, Configuration hadoop, Map<String, LongMatrix> model,
                FixedPoint codec, int triplesTaken) throws IOException {
            AtomicFolder out = AtomicFolder.begin(store.model(runId), true, hadoop);
            try {
                Path file = new Path(out.path(), "share.bin");
                FileSystem fs = file.getFileSystem(hadoop);
                try (OutputStream o = fs.create(file, false)) {
                    TensorFile.write(o, model);
                }
                List<String> names = new ArrayList<>(model.keySet());
                Manifests.write(out.path(), new ModelShareManifest(ModelShareManifest.FORMAT_VERSION, party, runId,
                        manifest.datasetId(), manifest.sessionId(), codec.fractionalBits(), settings.get("model.name"),
                        names, Map.of("share.bin", Manifests.sha256(file, hadoop))), hadoop);
                out.commit();
            } catch (IOException | RuntimeException e) {
                out.abort();
                throw e;
            }
        }
    }
}
