package org.twintrain.jobs.pools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The YARN profiles {@code conf/yarn-server0.conf} and {@code conf/yarn-server1.conf} on a real YARN: a
 * MiniYARNCluster (ResourceManager with the CapacityScheduler, two NodeManagers, all on 127.0.0.1) set up as the
 * profiles' comments ask an operator to: exclusive node labels {@code server0} and {@code server1}, one per
 * NodeManager, and queues {@code root.server0} and {@code root.server1} that may use only their label. Each
 * server's own application is submitted with {@code spark-submit --master yarn --deploy-mode cluster
 * --properties-file conf/yarn-serverN.conf} from the test's Spark distribution (the Maven jars, spark-yarn
 * among them); its barrier task ({@link PoolsProbe}) reports its YARN container and NodeManager and the store
 * file it read. The test checks, from those reports, that each server's task ran in a container of an
 * application in its own queue, on its own labelled node, and read only its own store.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class YarnServerQueuesIT {
    private static final Path CONF = Path.of("..", "conf").toAbsolutePath().normalize();

    private static Path dir;
    private static MiniYARNCluster yarn;
    private static StandaloneCluster processes;
    private static YarnClient client;
    private static final NodeId[] NODES = new NodeId[2];

    @BeforeAll
    static void startYarn() throws Exception {
        long start = System.nanoTime();
        dir = Path.of("target", "yarn-it").toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        conf.set("yarn.resourcemanager.bind-host", "127.0.0.1");
        conf.set("yarn.nodemanager.bind-host", "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        conf.set("yarn.timeline-service.enabled", "false");
        conf.setInt("yarn.nodemanager.resource.memory-mb", 4096);
        conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
        conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
        conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        // The scheduler as conf/yarn-server*.conf asks the operator to set it up.
        conf.set("yarn.resourcemanager.scheduler.class",
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler");
        conf.setBoolean("yarn.node-labels.enabled", true);
        conf.set("yarn.node-labels.fs-store.root-dir", dir.resolve("node-labels").toUri().toString());
        conf.set("yarn.scheduler.capacity.root.queues", "server0,server1");
        conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
        conf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
        for (int s = 0; s < 2; s++) {
            String q = "yarn.scheduler.capacity.root.server" + s;
            conf.set(q + ".capacity", "50");
            conf.set(q + ".maximum-capacity", "50");
            conf.set(q + ".maximum-am-resource-percent", "1.0");
            conf.set(q + ".accessible-node-labels", "server" + s);
            conf.set(q + ".accessible-node-labels.server" + s + ".capacity", "100");
            conf.set(q + ".accessible-node-labels.server" + s + ".maximum-capacity", "100");
            conf.set("yarn.scheduler.capacity.root.accessible-node-labels.server" + s + ".capacity", "100");
        }
        yarn = new MiniYARNCluster("twintrain-yarn-it", 2, 1, 1);
        yarn.init(conf);
        yarn.start();
        assertTrue(yarn.waitForNodeManagersToConnect(120_000), "both NodeManagers registered");
        var labels = yarn.getResourceManager().getRMContext().getNodeLabelManager();
        labels.addToCluserNodeLabelsWithDefaultExclusivity(Set.of("server0", "server1"));
        Map<NodeId, Set<String>> onNodes = new HashMap<>();
        for (int s = 0; s < 2; s++) {
            NODES[s] = yarn.getNodeManager(s).getNMContext().getNodeId();
            onNodes.put(NODES[s], Set.of("server" + s));
        }
        labels.replaceLabelsOnNode(onNodes);

        Path hadoopConf = Files.createDirectories(dir.resolve("hadoop-conf"));
        try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(out);
        }
        Files.writeString(hadoopConf.resolve("core-site.xml"), "<configuration><property><name>fs.defaultFS</name>"
                + "<value>file:///</value></property></configuration>\n");
        client = YarnClient.createYarnClient();
        client.init(yarn.getConfig());
        client.start();
        processes = new StandaloneCluster(dir, true);
        System.out.printf("MiniYARNCluster (RM + 2 labelled NMs) up in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void stopYarn() throws Exception {
        if (processes != null) {
            processes.close();
        }
        if (client != null) {
            client.stop();
        }
        if (yarn != null) {
            yarn.stop();
        }
    }

    @Test
    void eachServersApplicationRunsInItsQueueOnItsNodeAndReadsOnlyItsStore() throws Exception {
        long start = System.nanoTime();
        Path probeJar = probeJar();
        Path[] stores = new Path[2];
        Path[] out = new Path[2];
        Process[] submits = new Process[2];
        for (int s = 0; s < 2; s++) {
            stores[s] = Files.createDirectories(dir.resolve("store" + s));
            Files.writeString(stores[s].resolve("part-0.txt"), "store" + s + "/part-0\n");
            out[s] = dir.resolve("reports-server" + s + ".tsv");
            submits[s] = submit(s, probeJar, stores[s], out[s]);
        }
        for (int s = 0; s < 2; s++) {
            int code = processes.await("submit-server" + s, submits[s], Duration.ofMinutes(6));
            assertEquals(0, code, "spark-submit of server " + s + "; log tail:\n" + processes.tail("submit-server" + s));
        }
        System.out.printf("both servers' YARN applications done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        for (int s = 0; s < 2; s++) {
            List<String> lines = Files.readAllLines(out[s], StandardCharsets.UTF_8);
            assertEquals(1, lines.size(), "one barrier task: " + lines);
            Map<String, String> r = fields(lines.get(0));
            String task = "server " + s + "'s task: ";
            assertEquals("" + s, r.get("server"), task + "server");
            assertEquals("true", r.get("barrier"), task + "barrier task");
            assertTrue(Path.of(r.get("read")).startsWith(stores[s]), task + "read " + r.get("read"));
            assertEquals("store" + s + "/part-0", r.get("content"), task + "content read");
            ContainerId container = ContainerId.fromString(r.get("container"));
            ApplicationId app = container.getApplicationAttemptId().getApplicationId();
            assertEquals("root.server" + s, client.getApplicationReport(app).getQueue(), task + "queue of " + app);
            assertEquals(NODES[s].toString(), r.get("nodeManager"), task + "node (labelled server" + s + ")");
            assertEquals(Set.of("server" + s), client.getNodeToLabels().get(NODES[s]), "labels of " + NODES[s]);
        }
    }

    /** spark-submit of server s's own application: conf/yarn-serverS.conf, cluster deploy mode. */
    private static Process submit(int s, Path probeJar, Path store, Path out) throws IOException {
        Path java = Path.of(System.getProperty("java.home"));
        String flags = Files.readString(Path.of("target", "classes", "twintrain", "jvm.flags")).trim();
        List<String> cmd = new ArrayList<>(List.of(processes.sparkHome().resolve("bin/spark-submit").toString(),
                "--master", "yarn", "--deploy-mode", "cluster",
                "--properties-file", CONF.resolve("yarn-server" + s + ".conf").toString(),
                // A 4 GiB test node holds one executor of 1 GiB next to the application master, not the profile's 4.
                "--conf", "spark.executor.instances=1",
                "--conf", "spark.driver.memory=640m",
                "--conf", "spark.yarn.jars=local:" + processes.sparkHome().resolve("jars") + "/*",
                "--conf", "spark.yarn.stagingDir=" + dir.resolve("staging").toUri(),
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + java,
                "--conf", "spark.executorEnv.JAVA_HOME=" + java,
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--conf", "spark.ui.enabled=false",
                "--jars", String.join(",", twintrainJars()),
                "--class", PoolsProbe.class.getName(), probeJar.toString(),
                "--out", out.toString(), "--tasks", "1", "--servers", "" + s, "--barrier", "--store" + s, store.toString()));
        Map<String, String> env = new HashMap<>();
        env.put("HADOOP_CONF_DIR", dir.resolve("hadoop-conf").toString());
        env.put("JAVA_HOME", java.toString());
        return processes.startCommand("submit-server" + s, cmd, env);
    }

    /** The TwinTrain module jars of the classpath (the main code the probe uses). */
    private static List<String> twintrainJars() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> jars = Stream.of(cp.split(java.io.File.pathSeparator))
                .filter(e -> Path.of(e).getFileName().toString().startsWith("twintrain-") && e.endsWith(".jar")
                        && !e.endsWith("-tests.jar"))
                .toList();
        assertTrue(jars.stream().anyMatch(j -> j.contains("twintrain-spark-jobs")), "spark-jobs jar on " + jars);
        return jars;
    }

    /** The application jar: the probe's class from the test classes. */
    private static Path probeJar() throws IOException {
        Path jar = dir.resolve("probe.jar");
        String name = PoolsProbe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar));
                var in = PoolsProbe.class.getClassLoader().getResourceAsStream(name)) {
            j.putNextEntry(new JarEntry(name));
            in.transferTo(j);
            j.closeEntry();
        }
        return jar;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> r = new HashMap<>();
        for (String field : line.split("\t")) {
            int eq = field.indexOf('=');
            r.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return r;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
