package org.twintrain.jobs.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The isolation of the two servers on a real Spark standalone cluster: a Master and two Workers on 127.0.0.1,
 * one advertising {@code server0} and one {@code server1} (with the worker files and discovery scripts of
 * {@code conf/}), and a job submitted through spark-submit with {@code conf/spark-pools.conf} and
 * {@code conf/cluster-pools.properties}. The tasks report where they ran and what they read; the test checks
 * that every server-0 task ran on server 0's worker and read only store 0, and the same for server 1. A second
 * job is a server's own application ({@code conf/cluster-server1.conf}) with barrier tasks.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServerPoolsClusterTest {
    private static final int TASKS = 3;
    private static final Path CONF = Path.of("..", "conf").toAbsolutePath().normalize();

    /** Under target/, not a temp folder: the processes' logs stay there for whoever reads a failure. */
    private static Path dir;
    private static StandaloneCluster cluster;
    private static final Path[] WORK = new Path[2];

    @BeforeAll
    static void startCluster() throws Exception {
        long start = System.nanoTime();
        dir = Path.of("target", "pools-cluster-test").toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        cluster = new StandaloneCluster(dir);
        cluster.startMaster(Duration.ofSeconds(90));
        for (int s = 0; s < 2; s++) {
            WORK[s] = cluster.startWorker("worker" + s, workerProperties(s), Map.of("TWINTRAIN_TEST_WORKER", "server" + s));
        }
        JsonNode workers = cluster.awaitWorkers(2, Duration.ofSeconds(90));
        Set<String> advertised = new TreeSet<>();
        workers.forEach(w -> w.path("resources").fieldNames().forEachRemaining(advertised::add));
        assertEquals(Set.of("server0", "server1"), advertised, "resources the master sees on its workers");
        System.out.printf("standalone cluster (master + 2 workers) up in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** conf/worker-serverI.conf with the discovery script at its place in this checkout. */
    private static Path workerProperties(int s) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CONF.resolve("worker-server" + s + ".conf"))) {
            p.load(r);
        }
        String key = "spark.worker.resource.server" + s + ".discoveryScript";
        assertTrue(p.containsKey(key), key + " in conf/worker-server" + s + ".conf");
        p.setProperty(key, CONF.resolve("discover-server" + s + ".sh").toString());
        Path out = dir.resolve("worker-server" + s + ".conf");
        try (Writer w = Files.newBufferedWriter(out)) {
            p.store(w, "test copy of conf/worker-server" + s + ".conf");
        }
        return out;
    }

    @Test
    void oneApplicationWithTwoPools() throws Exception {
        Path[] stores = stores("pools");
        Path out = dir.resolve("reports-pools.tsv");
        long start = System.nanoTime();
        int exit = cluster.submit("driver-pools", List.of("--properties-file", CONF.resolve("spark-pools.conf").toString()),
                List.of("--conf", CONF.resolve("cluster-pools.properties").toString(), "--out", out.toString(),
                        "--tasks", "" + TASKS, "--store0", stores[0].toString(), "--store1", stores[1].toString()),
                Duration.ofSeconds(150));
        System.out.printf("one application, two pools: job took %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertEquals(0, exit, "spark-submit exit code; driver log tail:\n" + cluster.tail("driver-pools"));
        checkReports(read(out), stores, List.of(0, 1), false);
    }

    /**
     * The real deployment: a server's own application (conf/cluster-server1.conf, default profile
     * requesting server1, static allocation) runs its tasks as a barrier stage, only on its worker. Server 1's
     * alone: server 0's file is the same with the digits swapped, and a second driver and executor would
     * double the time of this test on a small machine.
     */
    @Test
    void aServersOwnApplicationRunsBarrierTasksOnlyOnItsWorker() throws Exception {
        int s = 1;
        Path[] stores = stores("own");
        Path out = dir.resolve("reports-server" + s + ".tsv");
        long start = System.nanoTime();
        int exit = cluster.submit("driver-server" + s,
                List.of("--properties-file", CONF.resolve("cluster-server" + s + ".conf").toString()),
                List.of("--out", out.toString(), "--tasks", "1", "--servers", "" + s, "--barrier",
                        "--store" + s, stores[s].toString()), Duration.ofSeconds(150));
        System.out.printf("server %d's own application: job took %.1f s%n", s, (System.nanoTime() - start) / 1e9);
        assertEquals(0, exit, "spark-submit exit code; driver log tail:\n" + cluster.tail("driver-server" + s));
        checkReports(read(out), stores, List.of(s), true);
    }

    private static Path[] stores(String run) throws IOException {
        Path[] stores = new Path[2];
        for (int s = 0; s < 2; s++) {
            stores[s] = Files.createDirectories(dir.resolve(run + "-store" + s));
            for (int j = 0; j < TASKS; j++) {
                Files.writeString(stores[s].resolve("part-" + j + ".txt"), "store" + s + "/part-" + j + "\n");
            }
        }
        return stores;
    }

    private static List<Map<String, String>> read(Path out) throws IOException {
        List<Map<String, String>> reports = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            Map<String, String> r = new HashMap<>();
            for (String field : line.split("\t")) {
                int eq = field.indexOf('=');
                r.put(field.substring(0, eq), field.substring(eq + 1));
            }
            reports.add(r);
        }
        return reports;
    }

    /** Every task of server s ran on worker s, held only resource servers, and read only store s. */
    private static void checkReports(List<Map<String, String>> reports, Path[] stores, List<Integer> servers,
            boolean barrier) throws IOException {
        int tasksPerServer = barrier ? 1 : TASKS;
        assertEquals(servers.size() * tasksPerServer, reports.size(), "one report per task");
        Map<Integer, Set<String>> executors = new HashMap<>();
        Map<Integer, Set<String>> tasks = new HashMap<>();
        for (Map<String, String> r : reports) {
            int s = Integer.parseInt(r.get("server"));
            assertTrue(servers.contains(s), "report of server " + s + " from a job of servers " + servers);
            String task = "server " + s + " task " + r.get("task") + ": ";
            assertEquals("server" + s, r.get("pool"), task + "pool");
            assertEquals("" + barrier, r.get("barrier"), task + "barrier task");
            assertEquals("server" + s, r.get("resources"), task + "resources the task holds");
            assertEquals("server" + s, r.get("workerMark"), task + "environment of the worker that started it");
            assertTrue(Path.of(r.get("workdir")).startsWith(WORK[s].toRealPath()), task + "executor folder "
                    + r.get("workdir") + " is not under worker " + s + "'s work dir " + WORK[s]);
            assertEquals("127.0.0.1", r.get("host"), task + "host");
            assertTrue(Path.of(r.get("read")).startsWith(stores[s]), task + "read " + r.get("read"));
            assertEquals("store" + s + "/part-" + r.get("task"), r.get("content"), task + "content read");
            executors.computeIfAbsent(s, k -> new HashSet<>()).add(r.get("executor"));
            tasks.computeIfAbsent(s, k -> new TreeSet<>()).add(r.get("task"));
        }
        for (int s : servers) {
            Set<String> expected = new TreeSet<>();
            for (int j = 0; j < tasksPerServer; j++) {
                expected.add("" + j);
            }
            assertEquals(expected, tasks.get(s), "tasks of server " + s);
        }
        if (servers.size() == 2) {
            Set<String> shared = new HashSet<>(executors.get(0));
            shared.retainAll(executors.get(1));
            assertTrue(shared.isEmpty(), "executors that ran tasks of both servers: " + shared);
        }
    }
}
