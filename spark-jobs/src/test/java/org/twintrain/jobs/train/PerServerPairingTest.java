package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.share.ShareJob;
import org.twintrain.jobs.triples.TripleJob;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelException;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/**
 * One server's own application ({@link PerServerTrainJob}, {@code train --server N}): pairing and its refusals.
 * Both servers' jobs run in this JVM's Spark application from two threads, each with only its own store,
 * configuration and key files (the two-JVM test, {@link PerServerProcessesTest}, runs them as separate
 * applications). Every refusal is checked to leave both model folders unwritten.
 */
class PerServerPairingTest {
    private static final int ROWS = 32;
    /** The third-process test's signals; static because the opener runs inside a Spark task (the same JVM). */
    private static volatile CountDownLatch paired, intruderDone;

    /** Two stores with shared toy data and the run's stored triples, key pairs, and each server's configuration. */
    private record Fixture(Path dir, StoreLayout[] stores, TwinTrainConf[] confs, TriplePlan plan) {
        Path model(int party, String run) {
            return dir.resolve("store" + party).resolve("model").resolve(run);
        }
    }

    private static Fixture fixture(Path dir, long connectTimeoutMs) throws Exception {
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double a = rnd.nextDouble(-1, 1), b = rnd.nextDouble(-1, 1);
            rows.add(RowFactory.create((long) i, List.of(a, b, rnd.nextDouble()), a > b ? 1 : 0));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        TwinTrainConf base = TwinTrainConf.defaults().with("train.batchSize", "16").with("train.epochs", "1")
                .with("channel.port", String.valueOf(freePort()))
                .with("channel.connectTimeoutMs", String.valueOf(connectTimeoutMs));
        StoreLayout[] stores = {new StoreLayout(dir.resolve("store0").toString()),
            new StoreLayout(dir.resolve("store1").toString())};
        ShareJob.Result shared = ShareJob.share(spark, spark.createDataFrame(rows, schema), "toy", "train", 3, 2,
                new FixedPoint(base.getInt("ring.fractionalBits")), 1, stores[0], stores[1], false);
        TriplePlan plan = EngineProgram.plan(base.asMap(), shared.server0());
        TripleJob.run(spark, plan, stores[0], stores[1], 1, false);
        for (String name : new String[] {"server0", "server1", "rogue"}) {
            PeerIdentity.generate(name).write(dir.resolve(name + "-key.pem"), dir.resolve(name + "-cert.pem"));
        }
        TwinTrainConf[] confs = new TwinTrainConf[2];
        for (int p = 0; p < 2; p++) {
            confs[p] = base.with("triples.plan", plan.id())
                    .with("channel.server" + p + ".key", dir.resolve("server" + p + "-key.pem").toString())
                    .with("channel.server" + p + ".cert", dir.resolve("server" + p + "-cert.pem").toString())
                    .with("channel.server" + p + ".peerCert", dir.resolve("server" + (1 - p) + "-cert.pem").toString());
        }
        return new Fixture(dir, stores, confs, plan);
    }

    /** Each server's outcome: its result, or what it threw. */
    private record Outcome(PerServerTrainJob.Result result, Throwable error) {
        String message() {
            return error == null ? "(no error)" : error.getMessage();
        }
    }

    /** Runs server party's own job (as {@code train --server party} does) and returns its outcome. */
    private static Outcome server(Fixture f, int party, TwinTrainConf conf, String run, ChannelOpener channels) {
        try {
            return new Outcome(PerServerTrainJob.run(LocalSpark.get(), conf, party, f.stores()[party], "train", run,
                    new EngineProgram(), channels), null);
        } catch (Throwable t) {
            return new Outcome(null, t);
        }
    }

    private static Outcome[] both(Fixture f, TwinTrainConf conf0, String run0, TwinTrainConf conf1, String run1)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Outcome> a = threads.submit(() -> server(f, 0, conf0, run0,
                    TrainCommand.serverChannel(conf0, 0, run0)));
            Future<Outcome> b = threads.submit(() -> server(f, 1, conf1, run1,
                    TrainCommand.serverChannel(conf1, 1, run1)));
            return new Outcome[] {a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS)};
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assertRefused(Outcome o, String... parts) {
        assertInstanceOf(ChannelException.class, o.error(), o.message());
        for (String part : parts) {
            assertTrue(o.message().contains(part), "'" + part + "' in: " + o.message());
        }
    }

    @Test
    void theTwoServersPairAndTrainEachFromItsOwnStoreAndConfiguration(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 30_000);
        Outcome[] o = both(f, f.confs()[0], "run1", f.confs()[1], "run1");
        for (int p = 0; p < 2; p++) {
            assertNull(o[p].error(), o[p].message());
            assertEquals(p, o[p].result().report().party());
            assertEquals(ROWS, o[p].result().report().rows());
            assertEquals(f.plan().size(), o[p].result().report().triplesTaken(), "the run takes its whole plan");
            assertTrue(Files.exists(f.model(p, "run1").resolve("share.bin")), "server " + p + " wrote its share");
        }
        assertEquals(o[0].result().report().bytesSent(), o[1].result().report().bytesReceived());
    }

    @Test
    void aPeerWithAnotherCertificateThanThePinnedOneIsRefused(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 10_000);
        // Server 1's operator runs with a key pair that server 0 does not pin.
        TwinTrainConf rogue = f.confs()[1].with("channel.server1.key", dir.resolve("rogue-key.pem").toString())
                .with("channel.server1.cert", dir.resolve("rogue-cert.pem").toString());
        Outcome[] o = both(f, f.confs()[0], "run1", rogue, "run1");
        assertRefused(o[0], "server 0", "could not pair", "we refused it");
        assertRefused(o[1], "server 1", "could not pair");
        assertNothingWritten(f, "run1");
    }

    @Test
    void aPeerWithAnotherRunIdIsRefused(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 10_000);
        Outcome[] o = both(f, f.confs()[0], "run1", f.confs()[1], "run2");
        assertRefused(o[0], "server 0", "run id mismatch", "ours 'run1/task0', the peer's 'run2/task0'");
        assertRefused(o[1], "server 1", "run id mismatch", "ours 'run2/task0', the peer's 'run1/task0'");
        assertNothingWritten(f, "run1");
        assertNothingWritten(f, "run2");
    }

    @Test
    void aPeerWithAnotherTrainingPlanIsRefusedBeforeAnyShareIsOpened(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 10_000);
        // Same triple plan (the learning rate does not change which triples a run takes), other training.
        Outcome[] o = both(f, f.confs()[0], "run1", f.confs()[1].with("train.learningRate", "0.05"), "run1");
        assertRefused(o[0], "server 0 refuses to train with server 1", "do not run the same plan",
                "train.learningRate: ours '0.1', server 1's '0.05'");
        assertRefused(o[1], "server 1 refuses to train with server 0",
                "train.learningRate: ours '0.05', server 0's '0.1'");
        assertNothingWritten(f, "run1");
        // Nothing was taken either: the refused run left no trace in the triples' ledgers.
        for (int p = 0; p < 2; p++) {
            assertFalse(Files.exists(dir.resolve("store" + p + "/triples/" + f.plan().id() + "/ledger-party" + p)), "server " + p + " opened its triples before agreeing");
        }
        // A setting that only changes one server's logs does not prevent pairing.
        Outcome[] ok = both(f, f.confs()[0], "run1", f.confs()[1].with("train.progressEvery", "1"), "run1");
        assertNull(ok[0].error(), ok[0].message());
        assertNull(ok[1].error(), ok[1].message());
    }

    @Test
    void aThirdProcessCannotJoinServerZerosPortOnceThePairHasFormed(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 30_000);
        String run = "run-third";
        paired = new CountDownLatch(1);
        intruderDone = new CountDownLatch(1);
        TlsChannelOpener real0 = TrainCommand.serverChannel(f.confs()[0], 0, run);
        // Server 0's task holds on to its channel until the intruder has tried (local mode: the same JVM).
        ChannelOpener holding = (party, task) -> {
            Channel c = real0.open(party, task);
            paired.countDown();
            try {
                intruderDone.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c;
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Outcome> a = threads.submit(() -> server(f, 0, f.confs()[0], run, holding));
            Future<Outcome> b = threads.submit(() -> server(f, 1, f.confs()[1], run,
                    TrainCommand.serverChannel(f.confs()[1], 1, run)));
            assertTrue(paired.await(60, TimeUnit.SECONDS), "the two servers paired");
            // A third server-1 application with exactly server 1's configuration and key pair.
            TwinTrainConf third = f.confs()[1].with("channel.connectTimeoutMs", "1500");
            ChannelException e = assertThrows(ChannelException.class,
                    () -> TrainCommand.serverChannel(third, 1, run).open(1, 0).close());
            assertTrue(e.getMessage().contains("server 1 (run run-third, task 0) tried to reach server 0")
                    && e.getMessage().contains("channel.connectTimeoutMs = 1500")
                    && e.getMessage().contains("cannot connect"), e.getMessage());
            intruderDone.countDown();
            Outcome o0 = a.get(60, TimeUnit.SECONDS), o1 = b.get(60, TimeUnit.SECONDS);
            assertNull(o0.error(), o0.message());
            assertNull(o1.error(), o1.message());
        } finally {
            intruderDone.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aServerWaitingForItsPeerGivesUpAfterTheConnectTimeout(@TempDir Path dir) throws Exception {
        Fixture f = fixture(dir, 1_500);
        Outcome alone1 = server(f, 1, f.confs()[1], "run1", TrainCommand.serverChannel(f.confs()[1], 1, "run1"));
        assertRefused(alone1, "server 1 (run run1, task 0) tried to reach server 0",
                "channel.connectTimeoutMs = 1500", "cannot connect");
        Outcome alone0 = server(f, 0, f.confs()[0], "run1", TrainCommand.serverChannel(f.confs()[0], 0, "run1"));
        assertRefused(alone0, "server 0 (run run1, task 0) waited on", "for server 1",
                "channel.connectTimeoutMs = 1500", "no peer connected");
        assertNothingWritten(f, "run1");
    }

    @Test
    void aServersApplicationRefusesThePeersKeyAFreePortAndRunsWithoutStoredTriples(@TempDir Path dir)
            throws Exception {
        Fixture f = fixture(dir, 30_000);
        TwinTrainConf withPeerKey = f.confs()[1].with("channel.server0.key", dir.resolve("server0-key.pem").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.serverChannel(withPeerKey, 1, "r"));
        assertTrue(e.getMessage().contains("names the other server's private key (channel.server0.key)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.serverChannel(f.confs()[0].with("channel.port", "0"), 0, "r"));
        assertTrue(e.getMessage().contains("needs a fixed channel.port"), e.getMessage());

        TwinTrainConf noPlan = f.confs()[0].with("triples.plan", "");
        e = assertThrows(IllegalArgumentException.class, () -> PerServerTrainJob.run(LocalSpark.get(), noPlan, 0,
                f.stores()[0], "train", "r", new EngineProgram(), TrainCommand.serverChannel(noPlan, 0, "r")));
        assertTrue(e.getMessage().contains("set triples.plan=" + f.plan().id()), e.getMessage());
        // Server 1's store given to server 0.
        e = assertThrows(IllegalArgumentException.class, () -> PerServerTrainJob.run(LocalSpark.get(), f.confs()[0],
                0, f.stores()[1], "train", "r", new EngineProgram(), TrainCommand.serverChannel(f.confs()[0], 0, "r")));
        assertTrue(e.getMessage().contains("is party 1's half, but this is server 0"), e.getMessage());
        assertNothingWritten(f, "r");
    }

    private static void assertNothingWritten(Fixture f, String run) {
        for (int p = 0; p < 2; p++) {
            assertFalse(Files.exists(f.model(p, run)), "server " + p + " wrote " + f.model(p, run));
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
