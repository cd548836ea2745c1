package org.twintrain.jobs.pools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for tests, from the Maven jars alone: a Master and Workers as separate JVM
 * processes on 127.0.0.1, with SPARK_HOME a temp folder whose {@code jars/} links the test classpath's jars
 * (the Workers start executors with {@code SPARK_HOME/jars/*}). As a {@linkplain #StandaloneCluster(Path, boolean)
 * distribution}, {@code jars/} holds only the third-party jars (no TwinTrain module: an application brings its
 * own, as on a real cluster) and {@code bin/} a {@code spark-submit} and {@code spark-class} that do what the
 * Spark distribution's scripts do. Every process it starts is stopped by {@link #close()}, by pid, with the
 * executors and drivers that the workers started.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    /** Short-lived test JVMs on a busy machine start faster with the C1 compiler only and the serial collector. */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Path dir;
    private final Path sparkHome;
    private final Path logs;
    private final List<String> jvmFlags;
    private final List<String> classpath;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private int masterPort;
    private int masterUiPort;

    StandaloneCluster(Path dir) throws IOException {
        this(dir, false);
    }

    /**
     * @param distribution lay SPARK_HOME out as a Spark distribution: {@code jars/} without the TwinTrain modules,
     *                     and {@code bin/spark-submit}, {@code bin/spark-class}, {@code bin/load-spark-env.sh}
     */
    StandaloneCluster(Path dir, boolean distribution) throws IOException {
        this.dir = dir;
        this.sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        this.logs = Files.createDirectories(dir.resolve("logs"));
        this.jvmFlags = jvmFlags();
        this.classpath = testClasspath();
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String entry : classpath) {
            Path p = Path.of(entry);
            boolean own = p.getFileName().toString().startsWith("twintrain-");
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))
                    && !(distribution && own)) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        if (distribution) {
            writeBinScripts(Files.createDirectories(sparkHome.resolve("bin")));
        }
    }

    Path sparkHome() {
        return sparkHome;
    }

    /**
     * The distribution's launch path, as Spark's own bin scripts have it: {@code spark-submit} runs
     * {@code spark-class org.apache.spark.deploy.SparkSubmit}; {@code spark-class} asks
     * {@code org.apache.spark.launcher.Main} (on {@code jars/*}) for the command, which it prints NUL-separated
     * after a marker line, and execs it, exiting with the launcher's code if that failed.
     */
    private static void writeBinScripts(Path bin) throws IOException {
        script(bin.resolve("load-spark-env.sh"), """
                # Sourced by spark-class: the environment a distribution's conf/spark-env.sh would give.
                export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
                if [ -f "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-env.sh" ]; then
                  . "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-env.sh"
                fi
                """);
        script(bin.resolve("spark-submit"), """
                if [ -z "${SPARK_HOME:-}" ]; then
                  export SPARK_HOME="$(cd "$(dirname "$0")"/..; pwd)"
                fi
                export PYTHONHASHSEED=0
                exec "${SPARK_HOME}"/bin/spark-class org.apache.spark.deploy.SparkSubmit "$@"
                """);
        script(bin.resolve("spark-class"), """
                if [ -z "${SPARK_HOME:-}" ]; then
                  export SPARK_HOME="$(cd "$(dirname "$0")"/..; pwd)"
                fi
                . "${SPARK_HOME}"/bin/load-spark-env.sh
                if [ -n "${JAVA_HOME:-}" ]; then
                  RUNNER="${JAVA_HOME}/bin/java"
                else
                  RUNNER="$(command -v java)"
                fi
                LAUNCH_CLASSPATH="${SPARK_HOME}/jars/*"
                build_command() {
                  "$RUNNER" -Xmx128m $SPARK_LAUNCHER_OPTS -cp "$LAUNCH_CLASSPATH" org.apache.spark.launcher.Main "$@"
                  printf "%d\\0" $?
                }
                set +o posix
                CMD=()
                DELIM=$'\\n'
                CMD_START_FLAG="false"
                while IFS= read -d "$DELIM" -r _ARG; do
                  ARG=${_ARG//$'\\r'}
                  if [ "$CMD_START_FLAG" == "true" ]; then
                    CMD+=("$ARG")
                  elif [ "$ARG" == "" ]; then
                    # The launcher's marker (a NUL and a newline): the command follows, NUL-separated.
                    DELIM=''
                    CMD_START_FLAG="true"
                  else
                    echo "$ARG"
                  fi
                done < <(build_command "$@")
                COUNT=${#CMD[@]}
                LAST=$((COUNT - 1))
                LAUNCHER_EXIT_CODE=${CMD[$LAST]}
                if ! [[ $LAUNCHER_EXIT_CODE =~ ^[0-9]+$ ]]; then
                  echo "${CMD[@]}" | head -n-1 1>&2
                  exit 1
                fi
                if [ "$LAUNCHER_EXIT_CODE" != 0 ]; then
                  exit "$LAUNCHER_EXIT_CODE"
                fi
                CMD=("${CMD[@]:0:$LAST}")
                exec "${CMD[@]}"
                """);
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Folders of the test classpath (module classes): executors get them through spark.executor.extraClassPath. */
    String classFolders() {
        return classpath.stream().filter(e -> !e.endsWith(".jar") && Files.isDirectory(Path.of(e)))
                .collect(Collectors.joining(":"));
    }

    String masterUrl() {
        return "spark://" + LOOPBACK + ":" + masterPort;
    }

    Path logs() {
        return logs;
    }

    void startMaster(Duration timeout) throws IOException, InterruptedException {
        masterPort = freePort();
        masterUiPort = freePort();
        start("master", List.of("-Xmx256m", "-Dspark.master.rest.enabled=false"),
                List.of("org.apache.spark.deploy.master.Master", "--host", LOOPBACK, "--port", "" + masterPort,
                        "--webui-port", "" + masterUiPort), Map.of());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!accepts(masterUiPort)) {
            checkAlive("master", deadline);
            Thread.sleep(200);
        }
    }

    /** Starts a worker with a properties file (its resources), one core and 1 GiB, and its own work dir. */
    Path startWorker(String name, Path propertiesFile, Map<String, String> env) throws IOException {
        return startWorker(name, propertiesFile, env, 1, "1g");
    }

    /** Starts a worker with a properties file, {@code cores} cores and {@code memory} to offer, its own work dir. */
    Path startWorker(String name, Path propertiesFile, Map<String, String> env, int cores, String memory)
            throws IOException {
        Path work = Files.createDirectories(dir.resolve("work-" + name));
        start(name, List.of("-Xmx256m"), List.of("org.apache.spark.deploy.worker.Worker", masterUrl(),
                "--host", LOOPBACK, "--port", "0", "--webui-port", "0", "--cores", "" + cores, "--memory", memory,
                "--work-dir", work.toString(), "--properties-file", propertiesFile.toString()), env);
        return work;
    }

    /** Waits until the master lists {@code workers} live workers; returns the master's view of them. */
    JsonNode awaitWorkers(int workers, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectMapper json = new ObjectMapper();
        while (true) {
            for (String name : processes.keySet()) {
                checkAlive(name, deadline);
            }
            try {
                JsonNode state = json.readTree(URI.create("http://" + LOOPBACK + ":" + masterUiPort + "/json/").toURL());
                if (state.path("aliveworkers").asInt() >= workers) {
                    return state.path("workers");
                }
            } catch (IOException e) {
                // The UI port opens before its /json handler is in place (HTTP 404 for a moment): ask again.
            }
            Thread.sleep(300);
        }
    }

    /**
     * Starts spark-submit (client mode) in its own JVM, running {@link PoolsProbe} on this cluster: the
     * executors get the JVM flags and the test classpath's class folders, every address is 127.0.0.1.
     */
    Process startSubmit(String name, List<String> sparkArgs, List<String> probeArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl(),
                "--deploy-mode", "client"));
        args.addAll(sparkArgs);
        args.addAll(List.of(
                "--conf", "spark.driver.host=" + LOOPBACK,
                "--conf", "spark.driver.bindAddress=" + LOOPBACK,
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", FAST_START) + " "
                        + String.join(" ", jvmFlags),
                "--conf", "spark.executor.extraClassPath=" + classFolders(),
                "--class", PoolsProbe.class.getName(), "spark-internal"));
        args.addAll(probeArgs);
        return start(name, List.of("-Xmx768m"), args, Map.of());
    }

    /** Waits for a spark-submit JVM; its exit code, or a failure with its log after the timeout. */
    int await(String name, Process driver, Duration timeout) throws InterruptedException {
        if (!driver.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not finish within " + timeout + "; log tail:\n" + tail(name));
        }
        return driver.exitValue();
    }

    /** Runs spark-submit with {@link PoolsProbe} to the end; its exit code. */
    int submit(String name, List<String> sparkArgs, List<String> probeArgs, Duration timeout)
            throws IOException, InterruptedException {
        return await(name, startSubmit(name, sparkArgs, probeArgs), timeout);
    }

    String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(logs.resolve(name + ".log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Starts any command (such as {@code submit/twintrain}) with this cluster's SPARK_HOME and 127.0.0.1 as the
     * local address; its stdout goes to {@code logs/NAME.out}, its stderr to {@code logs/NAME.log}. Stopped by
     * {@link #close()} with everything else if still running.
     */
    Process startCommand(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".log").toFile()).directory(dir.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", LOOPBACK);
        pb.environment().remove("SPARK_CONF_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.put(name, p);
        return p;
    }

    /** What a command of {@link #startCommand} printed on stdout. */
    String output(String name) throws IOException {
        return Files.readString(logs.resolve(name + ".out"), StandardCharsets.UTF_8);
    }

    private Process start(String name, List<String> heap, List<String> mainAndArgs, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(heap);
        cmd.addAll(FAST_START);
        cmd.addAll(jvmFlags);
        cmd.add("-Dlog4j2.configurationFile=" + log4jConfig());
        cmd.add("-cp");
        cmd.add(String.join(":", classpath));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile()).directory(dir.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", LOOPBACK);
        pb.environment().remove("SPARK_CONF_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.put(name, p);
        return p;
    }

    /** INFO logs of the cluster processes go to their log files (the test JVM logs warnings only). */
    private Path log4jConfig() throws IOException {
        Path f = dir.resolve("log4j2-cluster.properties");
        if (!Files.exists(f)) {
            Files.writeString(f, String.join("\n",
                    "rootLogger.level = info",
                    "rootLogger.appenderRef.stderr.ref = console",
                    "appender.console.type = Console",
                    "appender.console.name = console",
                    "appender.console.target = SYSTEM_ERR",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n",
                    "logger.jetty.name = org.sparkproject.jetty",
                    "logger.jetty.level = warn", ""));
        }
        return f;
    }

    private void checkAlive(String name, long deadline) {
        Process p = processes.get(name);
        if (!p.isAlive()) {
            throw new AssertionError(name + " exited with " + p.exitValue() + "; log tail:\n" + tail(name));
        }
        if (System.nanoTime() > deadline) {
            throw new AssertionError("timed out waiting for " + name + "; log tail:\n" + tail(name));
        }
    }

    /** Stops every process it started, newest first, with their children (the workers' executors). */
    @Override
    public void close() throws InterruptedException {
        List<String> names = new ArrayList<>(processes.keySet());
        java.util.Collections.reverse(names);
        List<ProcessHandle> all = new ArrayList<>();
        for (String name : names) {
            Process p = processes.get(name);
            all.addAll(p.descendants().toList()); // taken before the parent dies and its children are re-parented
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        processes.clear();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }

    /** The JVM flags of the parent pom's twintrain.jvm.flags, as the build wrote them to the classpath. */
    private static List<String> jvmFlags() throws IOException {
        try (InputStream in = StandaloneCluster.class.getResourceAsStream("/twintrain/jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("missing twintrain/jvm.flags on the classpath (broken build)");
            }
            String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Arrays.stream(flags.split("\\s+")).filter(f -> !f.isEmpty()).toList();
        }
    }

    /** Surefire runs tests through a manifest-only jar; the real classpath is in surefire.test.class.path. */
    private static List<String> testClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(cp.split(java.io.File.pathSeparator)).filter(e -> !e.isBlank()).distinct().toList();
    }
}
