package org.twintrain.jobs.audit;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.twintrain.jobs.SparkSessions;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.reveal.RevealCommand;
import org.twintrain.jobs.reveal.RevealedModels;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.jobs.train.SecureProgram;
import org.twintrain.jobs.train.SecureTrainJob;
import org.twintrain.jobs.train.TlsChannelOpener;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.DealerTripleSource;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/**
 * The system under audit: a full secure run in one Spark application, started by {@link IsolationAuditTest} in its
 * own JVM so that the application can write a Spark event log (set through {@code -Dspark.eventLog.*}) and
 * everything it logs, driver and tasks alike, goes to one file (the JVM's stdout and stderr). Usage: {@code
 * AuditRun WORK_DIR}. It writes:
 * <pre>
 *   WORK/owner/train, WORK/owner/test   the data owner's prepared input (Parquet; the only cleartext)
 *   WORK/store0, WORK/store1            the servers' stores: shared data, triples, model shares
 *   WORK/keys/keyN.pem, certN.pem       each server's TLS private key and certificate
 *   WORK/owner/model                    the revealed model (the model owner's output)
 *   WORK/auditor/dealer-seed.bin        the in-application dealer seed, captured in server 0's task for the scan
 * </pre>
 * Run "dealer": logreg trained over mutual TLS with the in-application dealer, then evaluated on the shared test
 * set. Run "stored": a tiny SecureML network (8 hidden units, ReLU, so comparisons and AND triples), two steps
 * on the 64-row set, trained over mutual TLS from triples made by the offline triple job. Then the model owner reveals run "dealer".
 */
public final class AuditRun {
    static final int FEATURES = 8;
    static final int CLASSES = 10;
    static final int TRAIN_ROWS = 256;
    static final int TEST_ROWS = 64;
    static final long TRAIN_SEED = 20261125L;
    static final long TEST_SEED = 20261126L;

    private AuditRun() {
    }

    /**
     * The data owner's features: floats of magnitude 256..1024 with random mantissas, so that every fixed-point
     * encoding (f = 16) is at least 2^24 and every printed value has 7 or more significant digits. (Encodings just
     * above 2^20 would be searchable too, but the event log holds a hundred or so metrics between 2^20 and 2^22,
     * enough for a chance match in a few percent of runs.)
     */
    static float[][] features(int rows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] x = new float[rows][FEATURES];
        for (float[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = (float) ((rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(256, 1024));
            }
        }
        return x;
    }

    /** Labels 0..9: the argmax of a fixed linear map of the features, so the data has something to learn. */
    static int[] labels(float[][] x) {
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] w = new double[CLASSES][FEATURES];
        for (double[] r : w) {
            for (int j = 0; j < FEATURES; j++) {
                r[j] = rnd.nextDouble(-1, 1);
            }
        }
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < CLASSES; c++) {
                double s = 0;
                for (int j = 0; j < FEATURES; j++) {
                    s += w[c][j] * x[i][j];
                }
                if (s > best) {
                    best = s;
                    y[i] = c;
                }
            }
        }
        return y;
    }

    static TwinTrainConf conf() {
        return TwinTrainConf.defaults().with("model.name", "logreg").with("train.batchSize", "32")
                .with("train.epochs", "1").with("train.maxSteps", "4").with("train.learningRate", "0.0001")
                .with("train.momentum", "0").with("train.progressEvery", "1");
    }

    static TwinTrainConf storedConf() {
        return conf().with("model.name", "secureml").with("model.width", "0.0625");
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        TwinTrainConf conf = conf();
        SparkSession spark = SparkSessions.start("twintrain-isolation-audit", conf);
        // SparkSessions sets WARN; the audit wants every line Spark and the jobs log at INFO.
        spark.sparkContext().setLogLevel("INFO");
        try {
            run(spark, work, conf);
        } finally {
            spark.stop();
        }
    }

    private static void run(SparkSession spark, Path work, TwinTrainConf conf) throws Exception {
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        String owner = work.resolve("owner").toString();
        writePrepared(spark, features(TRAIN_ROWS, TRAIN_SEED), owner + "/train");
        writePrepared(spark, features(TEST_ROWS, TEST_SEED), owner + "/test");
        StoreLayout s0 = new StoreLayout(work.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(work.resolve("store1").toString());
        ShareJob.share(spark, spark.read().parquet(owner + "/train"), "audit", "train", FEATURES, CLASSES, codec, 2, s0,
                s1, false);
        ShareJob.Result shared = ShareJob.share(spark, spark.read().parquet(owner + "/test"), "audit", "test", FEATURES, CLASSES, codec, 1, s0, s1,
                false);
        String[][] keys = keys(work.resolve("keys"));
        Path auditor = Files.createDirectories(work.resolve("auditor"));

        SecureTrainJob.run(spark, conf, s0, s1, "train", "test", "run-dealer",
                new DealerSeedCapture(new EngineProgram(), auditor.resolve("dealer-seed.bin").toString()),
                tls(conf, "run-dealer", keys));

        // Trained on the 64-row set (two steps of 32), which keeps the plan's triples small.
        TriplePlan plan = EngineProgram.plan(storedConf().asMap(), shared.server0());
        TripleJob.run(spark, plan, s0, s1, 2, false);
        TwinTrainConf stored = storedConf().with("triples.plan", plan.id());
        SecureTrainJob.run(spark, stored, s0, s1, "test", "run-stored", new EngineProgram(), tls(stored, "run-stored",
                keys));

        RevealCommand.reveal(spark, conf, s0, s1, "run-dealer", owner + "/model", false, RevealedModels.Overrides.NONE);
    }

    private static void writePrepared(SparkSession spark, float[][] x, String path) {
        int[] y = labels(x);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            List<Float> f = new ArrayList<>();
            for (float v : x[i]) {
                f.add(v);
            }
            rows.add(RowFactory.create((long) i, f, y[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.IntegerType);
        spark.createDataFrame(rows, schema).write().parquet(path);
    }

    /** Each server's key pair, and per server {key, cert, peer cert} as TrainCommand reads them from the configuration. */
    private static String[][] keys(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int p = 0; p < 2; p++) {
            PeerIdentity.generate("server" + p).write(dir.resolve("key" + p + ".pem"), dir.resolve("cert" + p + ".pem"));
        }
        String[][] keys = new String[2][];
        for (int p = 0; p < 2; p++) {
            keys[p] = new String[] {dir.resolve("key" + p + ".pem").toString(), dir.resolve("cert" + p + ".pem").toString(),
                dir.resolve("cert" + (1 - p) + ".pem").toString()};
        }
        return keys;
    }

    private static TlsChannelOpener tls(TwinTrainConf conf, String runId, String[][] keys) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        return new TlsChannelOpener("127.0.0.1", port, runId, keys, conf.getLong("channel.connectTimeoutMs"),
                conf.getLong("channel.readTimeoutMs"));
    }

    /**
     * The engine program, plus (in server 0's task) a copy of the in-application dealer seed written to the
     * auditor's folder, read from the task's triple source by reflection: the job holds the seed only in memory,
     * and the audit must know it to search for it.
     */
    private record DealerSeedCapture(SecureProgram program, String seedFile) implements SecureProgram {
        @Override
        public Map<String, LongMatrix> train(TwoPartyArithmetic arithmetic, LongMatrix features, LongMatrix labels,
                Map<String, String> settings) {
            if (arithmetic.party() == 0) {
                try {
                    Field dealer = DealerTripleSource.class.getDeclaredField("dealer");
                    dealer.setAccessible(true);
                    Field seed = Dealer.class.getDeclaredField("dealerSeed");
                    seed.setAccessible(true);
                    byte[] bytes = (byte[]) seed.get(dealer.get(arithmetic.context().triples()));
                    Files.write(Path.of(seedFile), bytes);
                } catch (ReflectiveOperationException | IOException e) {
                    throw new IllegalStateException("the audit cannot capture the dealer seed", e);
                }
            }
            return program.train(arithmetic, features, labels, settings);
        }

        @Override
        public long evaluate(TwoPartyArithmetic arithmetic, Map<String, LongMatrix> model, LongMatrix features,
                LongMatrix labels, Map<String, String> settings) {
            return program.evaluate(arithmetic, model, features, labels, settings);
        }
    }
}
