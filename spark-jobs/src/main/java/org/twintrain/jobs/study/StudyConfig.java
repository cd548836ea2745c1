package org.twintrain.jobs.study;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One configuration of a study grid: a model on a data set with one approximation, one precision and one seed,
 * trained with the grid's settings. Immutable and serializable: it is the element of the job's RDD.
 *
 * @param id        unique, readable key: table/dataset/model/row/tanh/precision/seed, row = {@link #row()}
 * @param table     the grid's name (e.g. "table2-scaled")
 * @param block     the grid block that produced it
 * @param dataset   data set key of the grid (data.NAME.*)
 * @param data      where and how to read the data
 * @param model     model key of the grid (model.NAME.*) and how to build it
 * @param approx    e^x approximation inside softmax (exact, relu, taylor:k, pwl:k)
 * @param tanh      tanh approximation inside recurrent cells (exact, pwl:3)
 * @param precision double, float (float32, the faster cleartext backend), or fixed:F (fixed-point emulation
 *                  with F fractional bits)
 * @param seed      initialization, shuffling and augmentation seed
 * @param train     optimizer, steps and monitoring settings
 * @param paper     the paper's number for this cell as written in the grid, or "n/a"
 * @param approxSettings further settings of {@link org.twintrain.approx.ApproxConfig} (grid keys approx.*)
 */
public record StudyConfig(String id, String table, String block, String dataset, DataSpec data, ModelSpec model,
        String approx, String tanh, String precision, long seed, TrainSpec train, String paper,
        Map<String, String> approxSettings) implements Serializable {

    /** Suffix of the row of a block trained with SecureML's softmax gradient p - y (train.gradient = secureml). */
    public static final String P_MINUS_Y = "+py";

    /**
     * The table row of this configuration: the approximation, with {@link #P_MINUS_Y} when the block trains with
     * the p - y gradient instead of the true derivative (the same e^x with two gradients is two rows).
     */
    public String row() {
        return rowName(approx, train.gradient());
    }

    /** The row name of an approximation trained with a gradient (exact or secureml). */
    public static String rowName(String approx, String gradient) {
        return gradient.equals("secureml") ? approx + P_MINUS_Y : approx;
    }

    /**
     * @param format     cifar10, cifar100, mnist or text
     * @param train      training files (absolute, or resolved against the data root)
     * @param dev        dev files
     * @param trainLimit first N training examples (0 = all)
     * @param devLimit   first N dev examples (0 = all)
     * @param vocab      text: vocabulary size per language, specials included (0 = every training token)
     * @param maxLength  text: drop sentence pairs longer than this many tokens (0 = keep all)
     */
    public record DataSpec(String format, List<String> train, List<String> dev, int trainLimit, int devLimit, int vocab,
            int maxLength) implements Serializable {
    }

    /**
     * @param key       the grid's name of the model (e.g. resnet32)
     * @param engine    the engine's model name (see {@link org.twintrain.engine.models.Models#NAMES}), or
     *                  seq2seq-lstm / seq2seq-gru for {@link org.twintrain.engine.models.Seq2Seq}
     * @param depth     the engine's depth parameter
     * @param width     channel / unit multiplier (1.0 = the paper's widths)
     * @param batchNorm batch norm after convolutions
     * @param hidden    seq2seq: hidden units of the recurrent cells
     * @param embed     seq2seq: embedding size
     */
    public record ModelSpec(String key, String engine, int depth, double width, boolean batchNorm, int hidden, int embed)
            implements Serializable {
    }

    /**
     * @param steps           SGD steps
     * @param batch           examples per step
     * @param lr              learning-rate schedule, LR or LR@FIRST/EVERY*FACTOR
     * @param momentum        heavy-ball momentum
     * @param weightDecay     L2 decay
     * @param augmentPad      random crop padding and flips (0 = none)
     * @param evalEvery       dev evaluation every N steps (and always at the end)
     * @param threads         backend threads of one task
     * @param divergeFactor   a training loss above factor x max(first loss, ln classes) ...
     * @param divergePatience ... for this many consecutive steps stops the run as diverged
     * @param gradient        softmax gradient: exact (true derivative) or secureml (p - y)
     */
    public record TrainSpec(long steps, int batch, String lr, double momentum, double weightDecay, int augmentPad,
            int evalEvery, int threads, double divergeFactor, int divergePatience, String gradient) implements Serializable {
    }
}
