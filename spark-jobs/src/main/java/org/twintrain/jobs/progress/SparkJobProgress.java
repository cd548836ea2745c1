package org.twintrain.jobs.progress;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * The progress of a command's Spark jobs on the driver: tasks finished of the tasks of every job started while
 * it is open (so a command with several jobs counts them all, and the total grows when a job starts). At a
 * terminal the line is ended when a job ends, so that what the command prints between jobs starts on its own
 * line (the next job draws a new one). Close it when the command's work is done: it removes its listener and
 * ends the line.
 */
public final class SparkJobProgress implements AutoCloseable {
    private final SparkContext sc;
    private final ProgressLine line;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final SparkListener listener = new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart job) {
            long tasks = 0;
            for (StageInfo stage : scala.jdk.javaapi.CollectionConverters.asJava(job.stageInfos())) {
                tasks += stage.numTasks();
            }
            total.addAndGet(tasks);
            line.update(done.get(), total.get(), "");
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd job) {
            // What the command prints between its jobs starts on a line of its own.
            line.finish();
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            if (task.taskInfo() != null && task.taskInfo().successful()) {
                line.update(done.incrementAndGet(), total.get(), "");
            }
        }
    };

    private SparkJobProgress(SparkContext sc, ProgressLine line) {
        this.sc = sc;
        this.line = line;
        sc.addSparkListener(listener);
    }

    /** Starts counting the tasks of the jobs that start from now on. */
    public static SparkJobProgress start(SparkContext sc, String label) {
        return new SparkJobProgress(sc, ProgressLine.start(label, "tasks"));
    }

    @Override
    public void close() {
        sc.removeSparkListener(listener);
        line.finish();
    }
}
