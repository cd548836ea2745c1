package org.twintrain.jobs.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ExecutorResourceRequest;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.jobs.TwinTrainConf;

class ServerPoolsLocalTest {
    /** Rendezvous of task j of server 0 with task j of server 1 (local mode: one JVM, so a static is shared). */
    private static final Map<String, Exchanger<String>> PAIRS = new ConcurrentHashMap<>();

    private final SparkSession spark = LocalSpark.get();
    private final ServerPools pools = ServerPools.fromConf(TwinTrainConf.defaults());

    @Test
    void defaultModeIsLocal() {
        assertEquals(ServerPools.Mode.LOCAL, pools.mode());
        assertTrue(pools.profile(spark, 0).isEmpty());
    }

    @Test
    void bothServersRunAtOnceFromTwoThreadsEachInItsPool() throws Exception {
        String run = "pair-" + System.nanoTime();
        ExecutorService driverThreads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int server = s;
                results.add(driverThreads.submit(() -> pools.runTasks(spark, server, 1, j -> {
                    String pool = TaskContext.get().getLocalProperty(ServerPools.POOL_PROPERTY);
                    // Both tasks must be running at the same time to meet here, as the online phase needs.
                    String partner = PAIRS.computeIfAbsent(run + "/" + j, k -> new Exchanger<>())
                            .exchange(pool, 30, TimeUnit.SECONDS);
                    return pool + "<->" + partner;
                })));
            }
            assertEquals(List.of("server0<->server1"), results.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(List.of("server1<->server0"), results.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            driverThreads.shutdownNow();
        }
    }

    @Test
    void everyTaskOfAServerSeesItsOwnPool() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ExecutorService driverThreads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int server = s;
                JavaRDD<Integer> input = jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 4);
                results.add(driverThreads.submit(() -> pools.runOnServer(spark, server, input,
                        (Iterator<Integer> rows) -> List.of(TaskContext.get().getLocalProperty(
                                ServerPools.POOL_PROPERTY)).iterator())));
            }
            for (int s = 0; s < 2; s++) {
                List<String> seen = results.get(s).get(60, TimeUnit.SECONDS);
                assertEquals(4, seen.size());
                for (String pool : seen) {
                    assertEquals("server" + s, pool);
                }
            }
        } finally {
            driverThreads.shutdownNow();
        }
    }

    @Test
    void thePreviousPoolOfTheThreadIsRestored() {
        assertNull(spark.sparkContext().getLocalProperty(ServerPools.POOL_PROPERTY));
        List<Integer> out = pools.runTasks(spark, 1, 3, j -> j * 10);
        assertEquals(List.of(0, 10, 20), out);
        assertNull(spark.sparkContext().getLocalProperty(ServerPools.POOL_PROPERTY));
    }

    @Test
    void aTaskInTheWrongPoolFailsBeforeItsWork() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkException e = assertThrows(SparkException.class, () -> pools.inPool(spark, 1,
                () -> jsc.parallelize(List.of(1), 1).map(x -> {
                    ServerPools.checkPlacement(TaskContext.get(), 0, ServerPools.Mode.LOCAL);
                    return x;
                }).collect()));
        assertTrue(e.getMessage().contains("runs in pool 'server1', expected server0"), e.getMessage());
    }

    @Test
    void anInputWithAShuffleIsRefused() {
        JavaRDD<Integer> shuffled = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(1, 2, 3), 3).repartition(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pools.runOnServer(spark, 0, shuffled, rows -> rows));
        assertTrue(e.getMessage().contains("depends on a shuffle"), e.getMessage());
    }

    @Test
    void resourcesModeNeedsAClusterMasterAndSaysSo() {
        ServerPools resources = ServerPools.fromConf(TwinTrainConf.defaults().with("pools.mode", "resources"));
        assertEquals(ServerPools.Mode.RESOURCES, resources.mode());
        ResourceProfile profile = resources.profile(spark, 1).orElseThrow();
        assertTrue(profile.executorResourcesJMap().containsKey("server1"));
        assertTrue(profile.taskResourcesJMap().containsKey("server1"));
        assertFalse(profile.executorResourcesJMap().containsKey("server0"));
        assertNotEquals(ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID(), profile.id());
        assertSame(profile, resources.profile(spark, 1).orElseThrow(), "one profile per server and application");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> resources.runTasks(spark, 0, 1, j -> j));
        assertTrue(e.getMessage().contains("pools.mode=resources needs a cluster master"), e.getMessage());
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> ServerPools.fromConf(TwinTrainConf.defaults().with("pools.mode", "cluster")));
        assertTrue(mode.getMessage().contains("pools.mode"), mode.getMessage());
        IllegalArgumentException amount = assertThrows(IllegalArgumentException.class,
                () -> ServerPools.fromConf(TwinTrainConf.defaults().with("pools.mode", "resources")
                        .with("pools.task.resourceAmount", "2")));
        assertTrue(amount.getMessage().contains("pools.task.resourceAmount"), amount.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerPools.poolName(2));
    }

    @Test
    void theClusterProfilesOfConfAreValidTwinTrainSettings() {
        Path conf = Path.of("..", "conf");
        for (String file : List.of("cluster-pools.properties", "k8s-pools.properties")) {
            ServerPools p = ServerPools.fromConf(TwinTrainConf.defaults().withFile(conf.resolve(file)));
            assertEquals(ServerPools.Mode.RESOURCES, p.mode(), file);
        }
        ServerPools k8s = ServerPools.fromConf(TwinTrainConf.defaults().withFile(conf.resolve("k8s-pools.properties")));
        for (int s = 0; s < 2; s++) {
            ExecutorResourceRequest r = k8s.profile(spark, s).orElseThrow().executorResourcesJMap().get("server" + s);
            assertEquals("/opt/twintrain/discovery/discover-server" + s + ".sh", r.discoveryScript());
            assertEquals("twintrain.org", r.vendor());
            assertTrue(java.nio.file.Files.isExecutable(conf.resolve("discover-server" + s + ".sh")));
        }
    }

    @Test
    void barrierTasksOfBothServersStartTogetherInTheirPools() throws Exception {
        assertTrue(pools.supportsBarrier());
        String run = "barrier-" + System.nanoTime();
        ExecutorService driverThreads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                int server = s;
                results.add(driverThreads.submit(() -> pools.runBarrierTasks(spark, server, 1, j -> {
                    BarrierTaskContext barrier = BarrierTaskContext.get();
                    barrier.barrier(); // only barrier tasks may call this
                    String pool = barrier.getLocalProperty(ServerPools.POOL_PROPERTY);
                    String partner = PAIRS.computeIfAbsent(run + "/" + j, k -> new Exchanger<>())
                            .exchange(pool, 30, TimeUnit.SECONDS);
                    return pool + "<->" + partner;
                })));
            }
            assertEquals(List.of("server0<->server1"), results.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(List.of("server1<->server0"), results.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            driverThreads.shutdownNow();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServerPools.fromConf(
                TwinTrainConf.defaults().with("pools.mode", "resources")).runBarrierTasks(spark, 0, 1, j -> j));
        assertTrue(e.getMessage().contains("barrier tasks are not available"), e.getMessage());
    }
}
