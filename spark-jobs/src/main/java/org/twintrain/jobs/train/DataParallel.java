package org.twintrain.jobs.train;

import java.util.Arrays;
import org.twintrain.engine.Seeds;
import org.twintrain.engine.train.GradientReducer;

/**
 * One task's place among the k data-parallel tasks of its server (train.tasks). Task j of server 0 and task j
 * of server 1 form a pair that holds the same rows (their two halves) and runs the engine together; each step
 * every pair trains on train.batchSize / k of its own rows, and each server sums its k gradient shares
 * ({@link GradientReducer}) so all its tasks apply the same update. The whole step therefore trains on
 * train.batchSize rows, as one task would, split k ways.
 *
 * <p>Everything here is public: the layout (rows per task) comes from the data set's manifest, and each task's
 * epoch order from the run seed and the task index, so both members of a pair visit the same rows.
 *
 * @param task        this task's index j, 0..k-1
 * @param rowsPerTask the rows every task holds, indexed by task (k = its length)
 * @param reducer     sums the gradients of this server's k tasks
 */
public record DataParallel(int task, int[] rowsPerTask, GradientReducer reducer) {

    public DataParallel {
        rowsPerTask = rowsPerTask.clone();
        if (task < 0 || task >= rowsPerTask.length) {
            throw new IllegalArgumentException("task " + task + " outside 0.." + (rowsPerTask.length - 1));
        }
        if (reducer.tasks() != rowsPerTask.length) {
            throw new IllegalArgumentException("the gradient reducer sums over " + reducer.tasks() + " tasks, the"
                    + " layout has " + rowsPerTask.length);
        }
    }

    /** The single task holding all rows: the plain run. */
    public static DataParallel single(int rows) {
        return new DataParallel(0, new int[] {rows}, GradientReducer.NONE);
    }

    @Override
    public int[] rowsPerTask() {
        return rowsPerTask.clone();
    }

    public int tasks() {
        return rowsPerTask.length;
    }

    /** The seed of this task's epoch orders: the run seed itself when k = 1 (so the plain run is unchanged). */
    public long orderSeed(long seed) {
        return tasks() == 1 ? seed : Seeds.random(seed, -1, task, "data-parallel order").nextLong();
    }

    /** The triple-key namespace of task j's pair: none when k = 1, else "t" + j + ".". */
    public static String namespace(int task, int tasks) {
        return tasks == 1 ? "" : "t" + task + ".";
    }

    /** train.tasks of the settings: k, at least 1. */
    public static int tasks(java.util.Map<String, String> settings) {
        int k = Integer.parseInt(settings.getOrDefault("train.tasks", "1"));
        if (k < 1) {
            throw new IllegalArgumentException("train.tasks must be at least 1, got " + k);
        }
        return k;
    }

    /**
     * Whether stored partition p belongs to task j of k: partition p goes to task p mod k, on both servers alike
     * (the layout is public: it follows from the data set's manifest).
     */
    public static boolean holds(int task, int tasks, int partition) {
        return partition % tasks == task;
    }

    /** The rows each of k tasks holds, from the data set's partition sizes; every task needs a partition. */
    public static int[] rowsPerTask(java.util.List<Integer> partitionRows, int tasks) {
        if (tasks > partitionRows.size()) {
            throw new IllegalArgumentException("train.tasks " + tasks + " exceeds the data set's "
                    + partitionRows.size() + " partitions (each task holds whole partitions): share the data with at"
                    + " least " + tasks + " partitions, or lower train.tasks");
        }
        int[] rows = new int[tasks];
        for (int p = 0; p < partitionRows.size(); p++) {
            rows[p % tasks] += partitionRows.get(p);
        }
        return rows;
    }

    /**
     * Before a job starts its tasks: the data set splits over train.tasks tasks with a full batch for each, and the
     * application has a slot for each of its long-lived tasks (servers x k in one application, k in a server's
     * own), since a barrier stage that cannot start all its tasks would wait instead of failing.
     */
    static void checkJob(java.util.Map<String, String> settings, org.twintrain.store.DataShareManifest data,
            int servers, int slots) {
        int tasks = tasks(settings);
        if (tasks == 1) {
            return; // the plain run: the program checks its own batch
        }
        int batch = Integer.parseInt(settings.get("train.batchSize"));
        stepsPerEpoch(rowsPerTask(data.partitions(), tasks), taskBatch(batch, tasks), batch);
        if (servers * tasks > slots) {
            throw new IllegalArgumentException("train.tasks " + tasks + " runs " + servers * tasks + " long-lived tasks"
                    + " at once (" + tasks + " per server" + (servers == 2 ? ", both servers in this application" : "")
                    + ") but the application has " + slots + " task slots (spark.default.parallelism): give it more"
                    + " cores (local[" + servers * tasks + "] in local mode) or lower train.tasks");
        }
    }

    /** Rows per step and task: train.batchSize / k, which must divide evenly. */
    static int taskBatch(int batchSize, int tasks) {
        if (tasks < 1 || batchSize % tasks != 0) {
            throw new IllegalArgumentException("train.batchSize " + batchSize + " must be a multiple of train.tasks "
                    + tasks);
        }
        return batchSize / tasks;
    }

    /** Steps per epoch: as many full task batches as the smallest task holds. */
    static int stepsPerEpoch(int[] rowsPerTask, int taskBatch, int batchSize) {
        int fewest = Arrays.stream(rowsPerTask).min().orElse(0);
        int steps = fewest / taskBatch;
        if (steps == 0) {
            throw new IllegalArgumentException(rowsPerTask.length == 1
                    ? "train.batchSize " + batchSize + " exceeds the " + fewest + " training rows"
                    : "a task holds only " + fewest + " rows, fewer than its " + taskBatch + " rows per step"
                            + " (train.batchSize " + batchSize + " over " + rowsPerTask.length + " tasks)");
        }
        return steps;
    }
}
