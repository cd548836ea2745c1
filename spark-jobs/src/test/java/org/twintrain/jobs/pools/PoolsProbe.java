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
 * Driver of the cluster test, run through spark-submit: the tasks of the servers named by {@code --servers}
 * (default both, at once from one driver thread each) through {@link ServerPools}, as barrier tasks with
 * {@code --barrier}. Every task reads file {@code part-J.txt} of its own server's store folder and reports
 * where it ran and what it read, one tab-separated line per task, written to {@code --out}.
 */
public final class PoolsProbe {
    private PoolsProbe() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse("pools-probe", args, Set.of("out", "store0", "store1", "tasks", "servers"), Set.of("barrier"));
        ServerPools pools = ServerPools.fromConf(line.conf());
        int tasks = Integer.parseInt(line.require("tasks"));
        String[] stores = {line.get("store0", null), line.get("store1", null)};
        boolean barrier = line.has("barrier");
        int[] servers = java.util.Arrays.stream(line.get("servers", "0,1").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        SparkSession spark = SparkSessions.start("twintrain-pools-probe", line.conf());
        ExecutorService driverThreads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int server : servers) {
                String store = java.util.Objects.requireNonNull(stores[server], "--store" + server);
                // The only store this server's closure captures.
                org.apache.spark.api.java.function.Function<Integer, String> task = j -> report(server, store, j);
                runs.add(driverThreads.submit(() -> barrier
                        ? pools.runBarrierTasks(spark, server, tasks, task)
                        : pools.runTasks(spark, server, tasks, task)));
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
                "barrier=" + (tc instanceof org.apache.spark.BarrierTaskContext),
                "resources=" + String.join(",", new java.util.TreeSet<>(tc.resourcesJMap().keySet())),
                "executor=" + SparkEnv.get().executorId(),
                "host=" + SparkEnv.get().blockManager().blockManagerId().host(),
                // An executor's working folder is inside the work dir of the worker that started it.
                "workdir=" + Path.of("").toAbsolutePath(),
                "workerMark=" + System.getenv("TWINTRAIN_TEST_WORKER"),
                // On YARN: the task's container and the NodeManager that runs it (null elsewhere).
                "container=" + System.getenv("CONTAINER_ID"),
                "nodeManager=" + System.getenv("NM_HOST") + ":" + System.getenv("NM_PORT"),
                "read=" + file.toAbsolutePath(),
                "content=" + content);
    }
}
