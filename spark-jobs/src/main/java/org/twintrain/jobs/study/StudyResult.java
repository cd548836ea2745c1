package org.twintrain.jobs.study;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of one configuration. {@code status} is ok, diverged (non-finite or exploding training loss) or
 * failed (an exception: unknown approximation, missing file, ...), with the reason; metrics of a run that did not
 * finish are NaN, and its curve holds the steps it made.
 *
 * @param config         the configuration
 * @param status         ok, diverged or failed
 * @param reason         why it diverged or failed; empty when ok
 * @param steps          SGD steps made
 * @param accuracy       final dev accuracy in [0, 1]
 * @param loss           final mean dev cross-entropy
 * @param seconds        wall time of the task (data loading included)
 * @param secondsPerStep training wall time per step (evaluations excluded)
 * @param cpuPerStep     CPU seconds of the task's thread per training step: the cost on an unloaded core, for
 *                       time estimates on a shared machine (with train.threads = 1)
 * @param scale          model and data scale as printed next to results (model.describe(), data sizes)
 * @param curve          per-step metrics
 */
public record StudyResult(StudyConfig config, String status, String reason, long steps, double accuracy, double loss,
        double seconds, double secondsPerStep, double cpuPerStep, String scale, List<StepMetric> curve) implements Serializable {

    public static final String OK = "ok";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";

    /** exp(mean dev cross-entropy): the perplexity of the dev set under the model. */
    public double perplexity() {
        return Math.exp(loss);
    }

    public boolean ok() {
        return status.equals(OK);
    }

    /**
     * One step of a run (the count of steps made): its mean training loss, and at evaluation points ({@code
     * evaluated}) the dev accuracy (NaN for seq2seq) and mean dev cross-entropy; NaN between evaluation points.
     * Step 0 is the untrained model's evaluation, with no training loss (NaN).
     */
    public record StepMetric(long step, double trainLoss, boolean evaluated, double devAccuracy, double devLoss)
            implements Serializable {
    }
}
