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
