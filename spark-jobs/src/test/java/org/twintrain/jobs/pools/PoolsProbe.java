package org.twintrain.jobs.pools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.CommandLine;
import org.twintrain.jobs.SparkSessions;

/**
 * Driver of the cluster test, run through spark-submit: both servers' tasks at once from two driver threads
 * through {@link ServerPools}; every task reads file {@code part-J.txt} of its own server's store folder and
 * reports where it ran and what it read, one tab-separated line per task, written to {@code --out}.
 */
public final class PoolsProbe {
    private PoolsProbe() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse("pools-probe", args, Set.of("out", "store0", "store1", "tasks"), Set.of());
        ServerPools pools = ServerPools.fromConf(line.conf());
        int tasks = Integer.parseInt(line.require("tasks"));
        String[] stores = {line.require("store0"), line.require("store1")};
        SparkSession spark = SparkSessions.start("twintrain-pools-probe", line.conf());
        ExecutorService driverThreads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int server = s;
                String store = stores[s]; // the only store this server's closure captures
                runs.add(driverThreads.submit(() -> pools.runTasks(spark, server, tasks, j -> report(server, store, j))));
            }
            List<String> lines = new ArrayList<>();
            for (Future<List<String>> run : runs) {
                lines.addAll(run.get(5, TimeUnit.MINUTES));
            }
            Files.write(Path.of(line.require("out")), lines, StandardCharsets.UTF_8);
        } finally {
            driverThreads.shutdownNow();
            spark.stop();
        }
    }

    private static String report(int server, String store, int task) {
        Path file = Path.of(store, "part-" + task + ".txt");
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("server " + server + " task " + task + " cannot read " + file, e);
        }
        TaskContext tc = TaskContext.get();
        return String.join("\t",
                "server=" + server,
                "task=" + task,
                "pool=" + tc.getLocalProperty(ServerPools.POOL_PROPERTY),
                "resources=" + String.join(",", new java.util.TreeSet<>(tc.resourcesJMap().keySet())),
                "executor=" + SparkEnv.get().executorId(),
                "host=" + SparkEnv.get().blockManager().blockManagerId().host(),
                // An executor's working folder is inside the work dir of the worker that started it.
                "workdir=" + Path.of("").toAbsolutePath(),
                "workerMark=" + System.getenv("TWINTRAIN_TEST_WORKER"),
                "read=" + file.toAbsolutePath(),
                "content=" + content);
    }
}
