package org.twintrain.jobs.pools;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.TwinTrainConf;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Runs one server's work on that server's executors only. The two servers are two pools inside one Spark
 * application (see the package documentation for the deployment shapes):
 * <ul>
 *   <li>{@link Mode#LOCAL}: server i's jobs run in the FAIR scheduler pool {@code serverI}; placement is not
 *       constrained (local mode, tests, one machine).</li>
 *   <li>{@link Mode#RESOURCES}: in addition, server i's stages carry a {@link ResourceProfile} whose executors
 *       and tasks request the custom resource {@code serverI}, so Spark starts them only on workers that
 *       advertise {@code serverI} (stage-level scheduling).</li>
 * </ul>
 * Thread-safe: the pool is a property of the submitting thread, so both servers may run at the same time from
 * two driver threads. Create one instance per application and share it: each instance has its own resource
 * profiles, and Spark starts separate executors for every profile.
 */
public final class ServerPools {
    /** Number of servers; server ids are 0 and 1. */
    public static final int SERVERS = 2;
    /** The Spark local property that names the FAIR pool of a job. */
    public static final String POOL_PROPERTY = "spark.scheduler.pool";

    /** How the servers' pools are kept apart; configuration key {@code pools.mode}. */
    public enum Mode {
        /** FAIR scheduler pools only. */
        LOCAL,
        /** FAIR pools plus stage-level resource profiles that request resource {@code serverI}. */
        RESOURCES
    }

    /** The resources-mode settings of a server's executors and tasks ({@code pools.executor.*}, {@code pools.task.*}). */
    private record ProfileSettings(int cores, String memory, long executorAmount, double taskAmount,
            String discoveryScript, String vendor) {
    }

    private final Mode mode;
    private final ProfileSettings settings;
    /** Built on first use, once the SparkContext exists (see {@link #profile}); guarded by {@code this}. */
    private final ResourceProfile[] profiles = new ResourceProfile[SERVERS];

    private ServerPools(Mode mode, ProfileSettings settings) {
        this.mode = mode;
        this.settings = settings;
    }

    /** The pools described by the {@code pools.*} keys of the configuration. */
    public static ServerPools fromConf(TwinTrainConf conf) {
        Mode mode = parseMode(conf.get("pools.mode"));
        if (mode == Mode.LOCAL) {
            return new ServerPools(mode, null);
        }
        ProfileSettings s = new ProfileSettings(conf.getInt("pools.executor.cores"), conf.get("pools.executor.memory"),
                conf.getLong("pools.executor.resourceAmount"), conf.getDouble("pools.task.resourceAmount"),
                conf.get("pools.executor.discoveryScript"), conf.get("pools.executor.vendor"));
        if (s.cores() < 1 || s.executorAmount() < 1 || !(s.taskAmount() > 0) || s.taskAmount() > s.executorAmount()) {
            throw new IllegalArgumentException("pools.executor.cores and pools.executor.resourceAmount must be at least 1"
                    + " and pools.task.resourceAmount in (0, pools.executor.resourceAmount]; got cores=" + s.cores()
                    + ", executor amount=" + s.executorAmount() + ", task amount=" + s.taskAmount());
        }
        return new ServerPools(mode, s);
    }

    static Mode parseMode(String value) {
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pools.mode must be local or resources, got '" + value + "'");
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The FAIR scheduler pool of a server, as in {@code conf/fairscheduler.xml}. */
    public static String poolName(int server) {
        return "server" + checkServer(server);
    }

    /** The custom resource that a server's workers advertise and its stages request (resources mode). */
    public static String resourceName(int server) {
        return "server" + checkServer(server);
    }

    /**
     * The resource profile of a server's stages in this application; empty in local mode. Built on first use:
     * Spark numbers profiles from a JVM-wide counter and gives the default profile id 0 when the SparkContext
     * starts, so a profile built before that could take id 0 and be silently taken for the default profile.
     */
    public synchronized Optional<ResourceProfile> profile(SparkSession spark, int server) {
        checkServer(server);
        if (mode == Mode.LOCAL) {
            return Optional.empty();
        }
        spark.sparkContext(); // the context, and with it the default profile, exists from here on
        if (profiles[server] == null) {
            ExecutorResourceRequests executor = new ExecutorResourceRequests().cores(settings.cores())
                    .memory(settings.memory()).resource(resourceName(server), settings.executorAmount(),
                            settings.discoveryScript().replace("{resource}", resourceName(server)), settings.vendor());
            TaskResourceRequests task = new TaskResourceRequests().cpus(1)
                    .resource(resourceName(server), settings.taskAmount());
            ResourceProfile rp = new ResourceProfileBuilder().require(executor).require(task).build();
            if (rp.id() == ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID()) {
                throw new IllegalStateException("server " + server + "'s resource profile got the default profile's id;"
                        + " build it only after the SparkContext has started");
            }
            profiles[server] = rp;
        }
        return Optional.of(profiles[server]);
    }

    /**
     * Runs {@code work} on every partition of {@code input} as server {@code server}'s tasks and returns what
     * the tasks produced, in partition order. Each task first checks that it runs where it should (its pool,
     * and in resources mode its resource {@code serverI}) and fails before calling {@code work} if not.
     *
     * <p>{@code input} must not contain a shuffle: a shuffle splits the job into stages and the stages before
     * it would run outside the server's pool. Pass a narrow input (e.g. task descriptors from {@code
     * parallelize}, or a file scan of the server's own store) and let {@code work} read the server's data.
     * {@code work} must capture only this server's store, keys and channel end.
     */
    public <X, T> List<T> runOnServer(SparkSession spark, int server, JavaRDD<X> input,
            FlatMapFunction<Iterator<X>, T> work) {
        checkServer(server);
        checkNoShuffle(input.rdd(), server);
        return inPool(spark, server, () -> placed(spark, server, input.mapPartitions(guarded(server, mode, work)))
                .collect());
    }

    /**
     * Runs {@code tasks} tasks of server {@code server}, task j getting the index j, and returns their results
     * by index. This is the shape of the online phase: task j of server 0 pairs with task j of server 1.
     */
    public <T> List<T> runTasks(SparkSession spark, int server, int tasks, Function<Integer, T> task) {
        JavaRDD<Integer> input = taskIndices(spark, server, tasks);
        return runOnServer(spark, server, input, perIndex(task));
    }

    /**
     * Like {@link #runTasks}, but as one barrier stage (Spark's gang scheduling): the {@code tasks} tasks start
     * together or not at all, may meet at {@code BarrierTaskContext.get().barrier()}, and a failure of one
     * restarts all of them. This is how a server's long-lived training tasks run where Spark allows it: local
     * mode, and a server's own application with static allocation ({@code conf/cluster-server0.conf}).
     * The cluster needs at least {@code tasks} free slots for the server.
     *
     * @throws IllegalStateException in resources mode: Spark refuses barrier stages under dynamic allocation,
     *                               which stage-level profiles need; use {@link #runTasks} there
     */
    public <T> List<T> runBarrierTasks(SparkSession spark, int server, int tasks, Function<Integer, T> task) {
        checkServer(server);
        if (!supportsBarrier()) {
            throw new IllegalStateException("server " + server + ": barrier tasks are not available with "
                    + "pools.mode=resources (Spark refuses barrier stages under dynamic allocation); use runTasks, "
                    + "or one application per server (docs/deployment-pools.md)");
        }
        JavaRDD<Integer> input = taskIndices(spark, server, tasks);
        FlatMapFunction<Iterator<Integer>, T> work = guarded(server, mode, perIndex(task));
        return inPool(spark, server, () -> barrierMapPartitions(input, work).collect());
    }

    /**
     * input.mapPartitions(work) as one barrier stage (gang-scheduled: all partitions' tasks start together, may use
     * {@code BarrierTaskContext}, and fail together), for a job that manages its own pools.
     */
    public static <X, T> JavaRDD<T> barrierMapPartitions(JavaRDD<X> input, FlatMapFunction<Iterator<X>, T> work) {
        return input.rdd().barrier().mapPartitions(new ScalaPartitionFunction<>(work), false,
                scala.reflect.ClassTag$.MODULE$.<T>apply(Object.class)).toJavaRDD();
    }

    /** One partition per task, holding the task's index. */
    private static JavaRDD<Integer> taskIndices(SparkSession spark, int server, int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("server " + server + ": tasks must be at least 1, got " + tasks);
        }
        List<Integer> indices = new ArrayList<>(tasks);
        for (int j = 0; j < tasks; j++) {
            indices.add(j);
        }
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(indices, tasks);
    }

    /** Whether {@link #runBarrierTasks} is available: not in resources mode (see there). */
    public boolean supportsBarrier() {
        return mode != Mode.RESOURCES;
    }

    /**
     * Runs a driver-side action (one that submits Spark jobs, e.g. a write) as server {@code server}: its jobs
     * go to the server's pool. Combine with {@link #placed} for the RDDs it computes, so that in resources mode
     * the tasks also land on the server's executors. Restores the thread's previous pool afterwards.
     */
    public <R> R inPool(SparkSession spark, int server, Supplier<R> action) {
        SparkContext sc = spark.sparkContext();
        String previous = sc.getLocalProperty(POOL_PROPERTY);
        sc.setLocalProperty(POOL_PROPERTY, poolName(server));
        try {
            return action.get();
        } finally {
            sc.setLocalProperty(POOL_PROPERTY, previous);
        }
    }

    /**
     * {@code rdd} marked as server {@code server}'s: in resources mode it carries the server's resource profile
     * (Spark records it on {@code rdd} itself, so pass an RDD made for this purpose); in local mode it is
     * returned unchanged.
     */
    public <X> JavaRDD<X> placed(SparkSession spark, int server, JavaRDD<X> rdd) {
        checkServer(server);
        if (mode == Mode.LOCAL) {
            return rdd;
        }
        checkClusterSupportsProfiles(spark.sparkContext().getConf());
        return rdd.withResources(profile(spark, server).orElseThrow());
    }

    /** Stage-level profiles need a cluster manager and dynamic allocation; say so before Spark does, by key. */
    static void checkClusterSupportsProfiles(SparkConf conf) {
        String master = conf.get("spark.master", "");
        if (master.startsWith("local")) {
            throw new IllegalStateException("pools.mode=resources needs a cluster master (spark://, yarn, k8s://), "
                    + "not " + master + "; use pools.mode=local here");
        }
        if (!conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalStateException("pools.mode=resources needs spark.dynamicAllocation.enabled=true "
                    + "(and spark.dynamicAllocation.shuffleTracking.enabled=true or an external shuffle service): "
                    + "Spark starts executors for a stage-level resource profile only under dynamic allocation; "
                    + "see conf/spark-pools.conf");
        }
    }

    private static <X, T> FlatMapFunction<Iterator<X>, T> guarded(int server, Mode mode,
            FlatMapFunction<Iterator<X>, T> work) {
        return rows -> {
            checkPlacement(TaskContext.get(), server, mode);
            return work.call(rows);
        };
    }

    /** A Java partition function as the serializable Scala function that {@code RDDBarrier} takes. */
    private static final class ScalaPartitionFunction<X, T>
            extends scala.runtime.AbstractFunction1<scala.collection.Iterator<X>, scala.collection.Iterator<T>>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<X>, T> work;

        ScalaPartitionFunction(FlatMapFunction<Iterator<X>, T> work) {
            this.work = work;
        }

        @Override
        public scala.collection.Iterator<T> apply(scala.collection.Iterator<X> rows) {
            try {
                return CollectionConverters.asScala(work.call(CollectionConverters.asJava(rows)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("server task failed", e);
            }
        }
    }

    private static <T> FlatMapFunction<Iterator<Integer>, T> perIndex(Function<Integer, T> task) {
        return indices -> {
            List<T> out = new ArrayList<>();
            while (indices.hasNext()) {
                out.add(task.call(indices.next()));
            }
            return out.iterator();
        };
    }

    /**
     * Fails the task unless it runs as server {@code server}: in its pool, and in resources mode holding the
     * server's resource and not the other server's. Called by every task before the work touches a store.
     */
    static void checkPlacement(TaskContext task, int server, Mode mode) {
        if (task == null) {
            throw new IllegalStateException("server " + server + "'s work must run inside a Spark task");
        }
        String pool = task.getLocalProperty(POOL_PROPERTY);
        if (!poolName(server).equals(pool)) {
            throw new IllegalStateException("task of stage " + task.stageId() + " runs in pool '" + pool
                    + "', expected " + poolName(server));
        }
        if (mode == Mode.RESOURCES) {
            Set<String> held = task.resourcesJMap().keySet();
            if (!held.contains(resourceName(server)) || held.contains(resourceName(1 - server))) {
                throw new IllegalStateException("task of stage " + task.stageId() + " holds resources " + held
                        + ", expected " + resourceName(server) + " only: not on server " + server + "'s executors");
            }
        }
    }

    /** Rejects inputs whose lineage has a shuffle: its map side would be a stage outside the server's pool. */
    static void checkNoShuffle(RDD<?> rdd, int server) {
        Deque<RDD<?>> todo = new ArrayDeque<>(List.of(rdd));
        Set<Integer> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            RDD<?> r = todo.pop();
            if (!seen.add(r.id())) {
                continue;
            }
            for (Dependency<?> d : CollectionConverters.asJava(r.dependencies())) {
                if (d instanceof ShuffleDependency) {
                    throw new IllegalArgumentException("server " + server + "'s input " + r
                            + " depends on a shuffle, whose map stage would run outside server " + server
                            + "'s pool; pass a narrow input and read the server's data inside the work function");
                }
                todo.push(d.rdd());
            }
        }
    }

    private static int checkServer(int server) {
        if (server < 0 || server >= SERVERS) {
            throw new IllegalArgumentException("server must be 0 or 1, got " + server);
        }
        return server;
    }
}
