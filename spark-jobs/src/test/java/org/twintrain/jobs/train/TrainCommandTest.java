package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.store.StoreLayout;

class TrainCommandTest {

    @Test
    void trainsOverTlsWithTheConfiguredKeyFilesAndReportsTheTestCount(@TempDir Path dir) throws Exception {
        TwinTrainConf conf = TwinTrainConf.defaults().with("train.batchSize", "8").with("train.epochs", "1");
        for (int p = 0; p < 2; p++) {
            PeerIdentity.generate("server" + p).write(dir.resolve("key" + p + ".pem"), dir.resolve("cert" + p + ".pem"));
        }
        for (int p = 0; p < 2; p++) {
            conf = conf.with("channel.server" + p + ".key", dir.resolve("key" + p + ".pem").toString())
                    .with("channel.server" + p + ".cert", dir.resolve("cert" + p + ".pem").toString())
                    .with("channel.server" + p + ".peerCert", dir.resolve("cert" + (1 - p) + ".pem").toString());
        }
        SparkSession spark = LocalSpark.get();
        SplittableRandom rnd = new SplittableRandom(5);
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType)).add("label", DataTypes.IntegerType);
        List<Row> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            double a = rnd.nextDouble(-1, 1), b = rnd.nextDouble(-1, 1);
            (i < 32 ? train : test).add(RowFactory.create((long) i, List.of(a, b, rnd.nextDouble()), a > b ? 1 : 0));
        }
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        StoreLayout s0 = new StoreLayout(dir.resolve("store0").toString());
        StoreLayout s1 = new StoreLayout(dir.resolve("store1").toString());
        ShareJob.share(spark, spark.createDataFrame(train, schema), "toy", "train", 3, 2, codec, 1, s0, s1, false);
        ShareJob.share(spark, spark.createDataFrame(test, schema), "toy", "test", 3, 2, codec, 1, s0, s1, false);

        SecureTrainJob.Result r = TrainCommand.run(spark, conf, s0, s1, "train", "test", "cmd-run",
                TrainCommand.keyFiles(conf));
        assertEquals(32, r.server0().rows());
        assertEquals(16, r.server0().testRows());
        assertTrue(r.server0().correct() >= 0 && r.server0().correct() <= 16);
        String report = TrainCommand.report(r, "logreg");
        assertTrue(report.contains("of 16 ="), report);
        assertTrue(report.contains("server 1: 32 rows"), report);
    }

    @Test
    void serverModeRefusesOptionsOfTheOtherShapeBeforeStartingSpark() {
        TrainCommand train = new TrainCommand();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train.run(new String[] {
            "--server", "2", "--store", "s", "--data", "d", "--run", "r"}));
        assertTrue(e.getMessage().contains("--server takes 0 or 1, got '2'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> train.run(new String[] {
            "--server", "1", "--store", "s", "--store0", "s0", "--data", "d", "--run", "r"}));
        assertTrue(e.getMessage().contains("--store0 does not go with --server"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> train.run(new String[] {
            "--store", "s", "--data", "d", "--run", "r"}));
        assertTrue(e.getMessage().contains("--store goes with --server N"), e.getMessage());
        // Without its own key files set, a server's application does not start.
        e = assertThrows(IllegalArgumentException.class, () -> train.run(new String[] {
            "--server", "1", "--store", "s", "--data", "d", "--run", "r", "--set", "channel.port=4000"}));
        assertTrue(e.getMessage().contains("channel.server1.key is not set"), e.getMessage());
    }

    @Test
    void refusesWithoutKeyFiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainCommand.keyFiles(TwinTrainConf.defaults()));
        assertTrue(e.getMessage().contains("channel.server0.key is not set"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainCommand.keyFiles(TwinTrainConf.defaults()
                .with("channel.server0.key", "/nonexistent/key.pem")));
        assertTrue(e.getMessage().contains("not a readable file"), e.getMessage());
    }
}
