package org.twintrain.jobs.train;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.twintrain.engine.train.ChannelGradientSum;
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
 * One server's task: everything it touches is its own store, its own triples and its channel end. The one training
 * path of both deployments: {@link SecureTrainJob} runs server 0's and server 1's in two pools of one application,
 * {@link PerServerTrainJob} one server's in that server's own application.
 */
record ServerTraining(int party, String storeRoot, String dataName, String testName, String runId,
        DataShareManifest manifest, DataShareManifest testManifest, Map<String, String> settings,
        byte[] dealerSeed, SecureProgram program, ChannelOpener channels)
        implements FlatMapFunction<Iterator<Row>, ServerReport> {

    /** Server 1's training half and test half (null without a test set). */
    private record Halves(DataShares.Half train, DataShares.Half test) {
    }

    /**
     * The input of server party's k tasks (train.tasks; one partition per task): for server 0 one placeholder row
     * per task (each task expands its own partitions' halves from the seeds in its store), for server 1 its
     * materialized rows in any order, each stored partition's rows in task p mod k's partition ({@link
     * DataParallel#holds}), and the test set's rows in task 0's (split 1; only pair 0 evaluates).
     */
    static JavaRDD<Row> input(SparkSession spark, int party, StoreLayout store, String dataName, String testName,
            int tasks) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (party == 0) {
            List<Row> placeholders = new ArrayList<>();
            for (int j = 0; j < tasks; j++) {
                placeholders.add(RowFactory.create(j));
            }
            return jsc.parallelize(placeholders, tasks);
        }
        Dataset<Row> rows = spark.read().parquet(new Path(store.data(dataName), "data").toString())
                .withColumn("split", functions.lit(0));
        if (testName != null) {
            rows = rows.unionByName(spark.read().parquet(new Path(store.data(testName), "data").toString())
                    .withColumn("split", functions.lit(1)));
        }
        // Rows are placed by (partition, position) inside the task (Rows), so their order here does not matter.
        if (tasks == 1) {
            return rows.coalesce(1).javaRDD();
        }
        return rows.javaRDD()
                .mapToPair(r -> new scala.Tuple2<>(r.<Integer>getAs("split") == 1 ? 0 : r.<Integer>getAs("partition") % tasks, r))
                .partitionBy(new org.apache.spark.HashPartitioner(tasks)).values();
    }

    @Override
    public Iterator<ServerReport> call(Iterator<Row> input) throws Exception {
        long start = System.nanoTime();
        int tasks = DataParallel.tasks(settings);
        BarrierTaskContext barrier = tasks == 1 ? null : BarrierTaskContext.get();
        int task = barrier == null ? 0 : barrier.partitionId();
        Configuration hadoop = new Configuration();
        StoreLayout store = new StoreLayout(storeRoot);
        DataShares.Half half;
        DataShares.Half test = null;
        if (party == 0) {
            half = expandSeeds(store, hadoop, dataName, manifest, task, tasks);
            test = testName == null || task != 0 ? null : expandSeeds(store, hadoop, testName, testManifest, 0, 1);
        } else {
            Halves h = materialize(input, task, tasks);
            half = h.train();
            test = h.test();
        }
        FixedPoint codec = new FixedPoint(manifest.fractionalBits());
        TruncationMode truncation = TruncationMode.parse(settings.get("ring.truncation"));
        List<Channel> siblings = barrier == null ? List.of()
                : channels.siblings(party, task, tasks, message -> barrier.allGather(message));
        String planId = settings.get("triples.plan");
        // Before pairing: a plan held by another run is refused here, with nothing written.
        String tripleSession = null;
        if (!planId.isEmpty()) {
            org.twintrain.store.PlanClaim.check(store, party, planId, runId, hadoop);
            org.twintrain.store.TripleManifest triples = org.twintrain.store.TripleStore.manifest(store, party, planId,
                    hadoop);
            tripleSession = triples.sessionId();
            checkWindows(triples);
            if (task == 0 && !VERIFIED.contains(store.triples(planId).toString())) {
                // Before pairing: a damaged or swapped file is refused before anything is opened, and the peer is
                // not left waiting on the channel while this server reads its triples once (server 1: every byte).
                long began = System.nanoTime();
                long bytes = org.twintrain.store.TripleStore.verify(store, party, planId, hadoop);
                LOG.info("server {}: the checksums of plan {}'s {} triple bytes match its manifest ({} s)", party,
                        planId.substring(0, 12), bytes, String.format(java.util.Locale.ROOT, "%.1f",
                                (System.nanoTime() - began) / 1e9));
                VERIFIED.add(store.triples(planId).toString());
            }
        }
        try {
            // Both servers agree on the plan before any share is opened or anything of the run is written: the
            // run's identity in the store, the plan's claim, the triples and their ledger.
            java.util.SortedMap<String, String> statement = PlanAgreement.statement(settings, runId, manifest,
                    testManifest, tripleSession);
            statement.put("pair.task", task + " of " + tasks);
            // channel.network: the real channel behind a modeled LAN or WAN link (none: as it is).
            Channel opened = org.twintrain.sharing.channel.NetworkModelChannel.wrap(channels.open(party, task),
                    org.twintrain.sharing.channel.NetworkModel.parse(settings.getOrDefault("channel.network", "none")));
            try (Channel channel = PlanAgreement.agreed(opened, party, statement)) {
                if (task == 0) {
                    if (!planId.isEmpty()) {
                        org.twintrain.store.PlanClaim.claim(store, party, planId, runId, hadoop);
                    }
                    RunCheckpoints.claimRun(party, runId, store, manifest, settings, hadoop);
                }
                afterClaim(task, siblings);
                try (TripleLedger ledger = planId.isEmpty() ? null : ledger(store, hadoop, planId, task, tasks);
                        TripleSource triples = triples(store, hadoop, codec, truncation, ledger, channel)) {
                    return List.of(train(channel, siblings, task, tasks, ledger, triples, store, hadoop, codec,
                            truncation, half, test, start)).iterator();
                }
            }
        } finally {
            for (Channel c : siblings) {
                c.close();
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerTraining.class);
    /** Plans whose checksums this executor JVM verified: a retried attempt does not read every byte again. */
    private static final java.util.Set<String> VERIFIED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The siblings of task 0 open their ledgers only once it has claimed the run (a refused claim stops them). */
    private static void afterClaim(int task, List<Channel> siblings) {
        if (task == 0) {
            for (Channel c : siblings) {
                c.send(new long[] {1});
            }
        } else if (!siblings.isEmpty()) {
            siblings.get(0).receive(1);
        }
    }

    /**
     * Training (and evaluation, by pair 0) on the agreed channel, then this server's model share written to its
     * store by task 0 (all tasks of a server hold the same model shares).
     */
    private ServerReport train(Channel channel, List<Channel> siblings, int task, int tasks, TripleLedger ledger,
            TripleSource triples, StoreLayout store, Configuration hadoop, FixedPoint codec, TruncationMode truncation,
            DataShares.Half half, DataShares.Half test, long start) throws IOException {
        TwoPartyArithmetic arithmetic = new TwoPartyArithmetic(party, channel, triples, codec, truncation,
                EngineProgram.comparison(settings));
        RunCheckpoints checkpoints = RunCheckpoints.forServer(party, runId, store, manifest, settings, hadoop,
                channel, ledger, triples, task, tasks, siblings);
        releaseWindows(checkpoints, triples, store, hadoop, task, tasks);
        DataParallel parallel = tasks == 1 ? DataParallel.single(half.features().rows())
                : new DataParallel(task, DataParallel.rowsPerTask(manifest.partitions(), tasks),
                        new ChannelGradientSum(task, tasks, siblings));
        Map<String, LongMatrix> model = program.trainTask(arithmetic, half.features(), half.labels(), settings,
                parallel, checkpoints);
        long correct = -1;
        if (test != null) {
            correct = program.evaluate(arithmetic, model, test.features(), test.labels(), settings);
        }
        if (task == 0) {
            writeModel(store, hadoop, model, codec, triples.consumed().size());
        }
        checkpoints.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId() + "@"
                + SparkEnv.get().blockManager().blockManagerId().host();
        return new ServerReport(party, task, executor, half.features().rows(), channel.stats().bytesSent(),
                channel.stats().bytesReceived(), channel.stats().rounds(), triples.consumed().size(), seconds,
                test == null ? 0 : test.features().rows(), correct);
    }

    /** This server's stored half of the run's plan, or the in-application dealer when no plan is set. */
    private TripleSource triples(StoreLayout store, Configuration hadoop, FixedPoint codec, TruncationMode truncation,
            TripleLedger ledger, Channel channel) throws IOException {
        String planId = settings.get("triples.plan");
        if (planId.isEmpty()) {
            return new DealerTripleSource(party, dealerSeed, codec);
        }
        // Checksums of the plan's folder were verified before pairing (call); windows are verified when opened.
        org.twintrain.store.TripleManifest m = org.twintrain.store.TripleStore.manifest(store, party, planId, hadoop);
        if (!m.windowed()) {
            return org.twintrain.store.TripleStore.open(store, party, planId, codec, truncation, ledger, false, hadoop);
        }
        long waitSeconds = Long.parseLong(settings.get("triples.windowWaitSeconds"));
        if (waitSeconds < 1) {
            throw new IllegalArgumentException("triples.windowWaitSeconds must be positive, got " + waitSeconds);
        }
        return org.twintrain.store.TripleStore.openWindows(store, party, planId, codec, truncation, ledger,
                java.time.Duration.ofSeconds(waitSeconds), (w, session) -> agreeOnWindow(channel, planId, w, session),
                false, hadoop);
    }

    /**
     * A plan dealt in windows needs checkpoints at most a window apart: the servers delete a window once a
     * confirmed checkpoint covers it, and only then does the dealer, at most --ahead windows ahead, make more.
     */
    private void checkWindows(org.twintrain.store.TripleManifest m) {
        long every = Long.parseLong(settings.get("train.checkpointEvery"));
        if (m.windowed() && (every < 1 || every > m.windowSteps())) {
            throw new IllegalArgumentException("plan " + m.planId() + " is dealt in windows of " + m.windowSteps()
                    + " steps, which the servers delete once a confirmed checkpoint covers them: train.checkpointEvery"
                    + " must be between 1 and " + m.windowSteps() + ", got " + every + " (else the dealer, at most "
                    + "--ahead windows ahead, would wait for a checkpoint that never comes)");
        }
    }

    /**
     * Both servers confirm that they hold the same dealing of window w (its session id, public) before opening
     * anything with it: halves of two dealings would make every product of the window garbage.
     */
    private void agreeOnWindow(Channel channel, String planId, int w, String session) {
        long[] mine = new long[4];
        java.nio.ByteBuffer.wrap(sha256(planId + "/" + w + "/" + session)).asLongBuffer().get(mine);
        channel.send(mine);
        long[] theirs = channel.receive(4);
        if (!java.util.Arrays.equals(mine, theirs)) {
            throw new IllegalStateException("server " + party + ": the peer holds another dealing of window " + w
                    + " of plan " + planId + " than this server's (the dealer dealt it again after one store had it);"
                    + " retry the run: it resumes from its last checkpoint with the window both stores hold now");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * For a plan dealt in windows, the lead task deletes the windows each confirmed checkpoint covers. With
     * several tasks per server one checkpoint later: a sibling may still take its update's keys of a window
     * after the lead's confirmation.
     */
    private void releaseWindows(RunCheckpoints checkpoints, TripleSource triples, StoreLayout store,
            Configuration hadoop, int task, int tasks) {
        if (task != 0 || !(triples instanceof org.twintrain.sharing.triples.StoredTripleSource s)
                || s.windows().size() < 2) {
            return;
        }
        String planId = settings.get("triples.plan");
        long[] previous = {-1};
        checkpoints.whenConfirmed(step -> {
            long covered = tasks == 1 ? step : previous[0];
            previous[0] = step;
            if (covered < 0) {
                return;
            }
            try {
                long freed = org.twintrain.store.TripleWindows.release(store, planId, s.windows(), covered, hadoop);
                if (freed > 0) {
                    LOG.info("server {}: deleted {} bytes of triple windows the checkpoint of step {} covers", party,
                            freed, covered);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("server " + party + ": cannot delete the consumed triple "
                        + "windows of plan " + planId + " in " + store.root(), e);
            }
        });
    }

    /**
     * The ledger of this task's consumed keys of the plan, beside its triples, on any file system (its segments
     * need only exclusive create): a retried attempt that would take a committed key again is refused.
     * Resumable: keys are written when a checkpoint both servers hold commits (see {@link RunCheckpoints}), so a
     * retried attempt may replay the steps after it.
     */
    private TripleLedger ledger(StoreLayout store, Configuration hadoop, String planId, int task, int tasks)
            throws IOException {
        // One ledger folder per task (each task takes its own namespace's keys), so tasks never write one folder.
        Path folder = new Path(store.triples(planId), ledgerName(party, task, tasks));
        return TripleLedger.openResumable(org.twintrain.store.StoreFiles.ledgerFolder(folder, hadoop), planId, party,
                runId);
    }

    /** The folder name of task's ledger under STORE/triples/PLAN. */
    static String ledgerName(int party, int task, int tasks) {
        return "ledger-party" + party + (tasks == 1 ? "" : "-task" + task);
    }

    /** This task's half of a data set: the partitions of task (of tasks) expanded from their seeds, in order. */
    static DataShares.Half expandSeeds(StoreLayout store, Configuration hadoop, String dataName,
            DataShareManifest manifest, int task, int tasks) throws IOException {
        byte[][] seeds = SeedFile.read(new Path(store.data(dataName), "seeds.bin"), hadoop);
        if (seeds.length != manifest.partitions().size()) {
            throw new IllegalArgumentException(store.data(dataName) + ": " + seeds.length + " seeds for "
                    + manifest.partitions().size() + " partitions");
        }
        int rows = DataParallel.rowsPerTask(manifest.partitions(), tasks)[task];
        long[] x = new long[rows * manifest.features()];
        long[] y = new long[rows * manifest.classes()];
        int at = 0;
        for (int p = 0; p < seeds.length; p++) {
            if (!DataParallel.holds(task, tasks, p)) {
                continue;
            }
            int n = manifest.partitions().get(p);
            DataShares.Half part = DataShares.expand(seeds[p], n, manifest.features(), manifest.classes());
            System.arraycopy(part.features().data(), 0, x, at * manifest.features(), n * manifest.features());
            System.arraycopy(part.labels().data(), 0, y, at * manifest.classes(), n * manifest.classes());
            at += n;
        }
        return new DataShares.Half(new LongMatrix(rows, manifest.features(), x),
                new LongMatrix(rows, manifest.classes(), y));
    }

    private Halves materialize(Iterator<Row> rows, int task, int tasks) {
        Rows train = new Rows(dataName, manifest, task, tasks);
        Rows test = testName == null || task != 0 ? null : new Rows(testName, testManifest, 0, 1);
        while (rows.hasNext()) {
            Row r = rows.next();
            int split = r.getInt(r.fieldIndex("split"));
            if (split == 1 && test == null) {
                throw new IllegalStateException("task " + task + " of server 1 received test rows; only task 0 evaluates");
            }
            (split == 0 ? train : test).add(r);
        }
        return new Halves(train.half(), test == null ? null : test.half());
    }

    /**
     * Server 1's half of one data set as one task holds it: the stored partitions of the task ({@link
     * DataParallel#holds}) in partition order, each row placed by its (partition, position), so the rows may
     * arrive in any order; a row twice, a row of another task's partition or a missing row is an error.
     */
    static final class Rows {
        private final String name;
        private final DataShareManifest manifest;
        private final int[] offset;
        private final int n;
        private final long[] x;
        private final long[] y;
        private final java.util.BitSet filled;

        Rows(String name, DataShareManifest manifest, int task, int tasks) {
            this.name = name;
            this.manifest = manifest;
            List<Integer> sizes = manifest.partitions();
            this.offset = new int[sizes.size()];
            int rows = 0;
            for (int p = 0; p < sizes.size(); p++) {
                offset[p] = DataParallel.holds(task, tasks, p) ? rows : -1;
                rows += offset[p] >= 0 ? sizes.get(p) : 0;
            }
            this.n = rows;
            this.x = new long[n * manifest.features()];
            this.y = new long[n * manifest.classes()];
            this.filled = new java.util.BitSet(n);
        }

        void add(Row r) {
            int p = r.getInt(r.fieldIndex("partition"));
            int position = r.getInt(r.fieldIndex("position"));
            if (p < 0 || p >= offset.length || offset[p] < 0 || position < 0
                    || position >= manifest.partitions().get(p)) {
                throw new IllegalArgumentException("store 1 holds a row of " + name + " at partition " + p
                        + ", position " + position + " that its manifest (" + offset.length + " partitions) does not"
                        + " place in this task");
            }
            int at = offset[p] + position;
            if (filled.get(at)) {
                throw new IllegalArgumentException("store 1 holds two rows of " + name + " at partition " + p
                        + ", position " + position);
            }
            filled.set(at);
            List<Long> f = r.getList(3);
            List<Long> l = r.getList(4);
            for (int j = 0; j < manifest.features(); j++) {
                x[at * manifest.features() + j] = f.get(j);
            }
            for (int c = 0; c < manifest.classes(); c++) {
                y[at * manifest.classes() + c] = l.get(c);
            }
        }

        DataShares.Half half() {
            if (filled.cardinality() != n) {
                throw new IllegalArgumentException("store 1 holds " + filled.cardinality() + " rows of " + name
                        + " for this task but its manifest says " + n);
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
            try (OutputStream o = org.twintrain.store.StoreFiles.create(fs, file, false)) {
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
