package org.twintrain.jobs.train;

import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.channel.ChannelException;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * Secure training as one server's own Spark application: the deployment of real non-collusion, where each server
 * runs this job on its own cluster, started by its own operator, and the two applications meet only through the
 * peer channel. It runs the same per-server task as the one-application {@link SecureTrainJob} ({@link
 * ServerTraining}), reading only this server's store, configuration and key files.
 *
 * <p>Before the task starts, the driver checks what it can see alone: its store holds its own party's half,
 * encoded with ring.fractionalBits, and its own half of the run's stored triples ({@code triples.plan}, required:
 * there is no dealer seed to share between two applications). Inside the task, right after the channel opens,
 * {@link PlanAgreement} checks that the peer runs the same plan, before any share is opened.
 */
public final class PerServerTrainJob {
    private PerServerTrainJob() {
    }

    /** This server's report and where its model share went. */
    public record Result(ServerReport report, Path model) {
    }

    public static Result run(SparkSession spark, TwinTrainConf conf, int party, StoreLayout store, String dataName,
            String runId, SecureProgram program, ChannelOpener channels) throws Exception {
        return run(spark, conf, party, store, dataName, null, runId, program, channels);
    }

    /**
     * The same, and when testName is not null the servers then evaluate the model on that shared test set (this
     * server's half in its store; only the count of correct predictions is revealed, from the plan's evaluation
     * triples: make them with {@code triples --test NAME}).
     */
    public static Result run(SparkSession spark, TwinTrainConf conf, int party, StoreLayout store, String dataName,
            String testName, String runId, SecureProgram program, ChannelOpener channels) throws Exception {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("--server takes 0 or 1, got " + party);
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        DataShareManifest m = Manifests.read(store.data(dataName), DataShareManifest.class, hadoop);
        if (m.party() != party) {
            throw new IllegalArgumentException("data set " + dataName + " in " + store.root() + " is party " + m.party()
                    + "'s half, but this is server " + party + "; each server trains on its own store");
        }
        int f = conf.getInt("ring.fractionalBits");
        if (m.fractionalBits() != f) {
            throw new IllegalArgumentException("data set " + dataName + " is encoded with " + m.fractionalBits()
                    + " fractional bits but ring.fractionalBits is " + f);
        }
        DataShareManifest test = null;
        if (testName != null) {
            test = Manifests.read(store.data(testName), DataShareManifest.class, hadoop);
            if (test.party() != party || test.fractionalBits() != f || test.features() != m.features()
                    || test.classes() != m.classes()) {
                throw new IllegalArgumentException("test set " + testName + " in " + store.root() + " (party "
                        + test.party() + ", " + test.fractionalBits() + " fractional bits, " + test.features()
                        + " features, " + test.classes() + " classes) does not go with server " + party
                        + "'s training set " + dataName + " (" + f + ", " + m.features() + ", " + m.classes() + ")");
            }
        }
        String planId = conf.get("triples.plan");
        if (planId.isEmpty()) {
            String needed = EngineProgram.plan(conf.asMap(), m, test).id();
            throw new IllegalArgumentException("server " + party + " runs as its own application and trains from stored"
                    + " triples: set triples.plan=" + needed + " (this run's plan; the dealer makes it with"
                    + " submit/twintrain triples --data " + dataName + (testName == null ? "" : " --test " + testName)
                    + ")");
        }
        SecureTrainJob.checkPlanId(conf, planId, m, test);
        SecureTrainJob.checkStoredHalf(store, party, planId, m, hadoop);
        org.twintrain.store.PlanClaim.check(store, party, planId, runId, hadoop);
        SecureRunChecks.warnings(conf.asMap(), m, org.slf4j.LoggerFactory.getLogger(PerServerTrainJob.class));
        SecureRunChecks.warnIfReadableByOthers(store, party, hadoop,
                org.slf4j.LoggerFactory.getLogger(PerServerTrainJob.class));

        ServerTraining work = new ServerTraining(party, store.root().toString(), dataName, testName, runId, m, test,
                conf.asMap(), null, program, channels);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DataParallel.checkJob(conf.asMap(), m, 1, jsc.defaultParallelism());
        RunCheckpoints.keepEvery(conf.asMap()); // a wrong train.checkpointKeepEvery is refused before any task
        try {
            ServerReport report = SecureTrainJob.runInPool(jsc, "server" + party, "twintrain-" + runId + "-server" + party,
                    ServerTraining.input(spark, party, store, dataName, testName, DataParallel.tasks(conf.asMap())), work, runId);
            return new Result(report, store.model(runId));
        } catch (Exception e) {
            throw unwrap(e, party);
        } finally {
            jsc.setLocalProperty("spark.scheduler.pool", null);
            jsc.setJobDescription(null);
            jsc.clearJobGroup();
        }
    }

    /**
     * The task's own error instead of Spark's "job aborted" wrapper, when it is one of ours (a refused pairing, a
     * timeout, a store check): the operator reads at once why the peer was refused.
     */
    static Exception unwrap(Exception e, int party) {
        Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ChannelException c) {
                return new ChannelException(prefixed(c.getMessage(), party), e);
            }
            if (t instanceof IllegalArgumentException a) {
                return new IllegalArgumentException(prefixed(a.getMessage(), party), e);
            }
        }
        return e;
    }

    private static String prefixed(String message, int party) {
        return message != null && message.startsWith("server " + party) ? message : "server " + party + ": " + message;
    }
}
