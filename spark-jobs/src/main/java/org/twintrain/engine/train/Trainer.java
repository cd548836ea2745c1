package org.twintrain.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.twintrain.engine.Context;
import org.twintrain.engine.Seeds;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Minibatch SGD of a {@link Classifier} with softmax cross-entropy from the context's {@link
 * org.twintrain.engine.SoftmaxLoss}. The position in the run is one counter, the global step: epoch = step /
 * stepsPerEpoch, the epoch's shuffle comes from (seed, epoch) and the augmentation from (seed, epoch, step),
 * so a run repeats bit for bit and a checkpoint needs only the step (plus weights and velocities).
 * Incomplete last batches of an epoch are dropped.
 */
public final class Trainer {
    /** batchSize examples per step; augmentPad > 0 turns on random crop (with that padding) and flip. */
    public record Config(int batchSize, long seed, int augmentPad) {
    }

    private final Context ctx;
    private final Classifier model;
    private final Sgd sgd;
    private final Config config;
    private GradientReducer reducer = GradientReducer.NONE;
    private long step;
    private int[] order;
    private long orderEpoch = -1;
    // evaluation batches get their own triple scopes: epoch -1, step = this counter
    private long evalBatches;

    public Trainer(Context ctx, Classifier model, Sgd sgd, Config config) {
        this.ctx = ctx;
        this.model = model;
        this.sgd = sgd;
        this.config = config;
    }

    public long step() {
        return step;
    }

    /**
     * Data-parallel training: each step's gradients are summed over the reducer's tasks before the update, which
     * then divides by the whole batch (this task's rows times the number of tasks, all of equal size).
     */
    public void setGradientReducer(GradientReducer reducer) {
        this.reducer = reducer;
    }

    public Classifier model() {
        return model;
    }

    public int stepsPerEpoch(Dataset train) {
        int s = train.size() / config.batchSize();
        if (s == 0) {
            throw new IllegalArgumentException("batch size " + config.batchSize() + " exceeds the " + train.size()
                    + " training examples");
        }
        return s;
    }

    /** One SGD step on a batch (features as the model expects, one-hot targets) at the current global step. */
    public void trainStep(long epoch, Matrix x, Matrix oneHot) {
        Arithmetic a = ctx.arith();
        ctx.at(true, epoch, step, config.seed());
        Matrix logits = model.net().forward(ctx, x);
        ctx.observe("softmax.in", logits);
        ctx.scope("loss.fwd");
        Matrix grad = ctx.nonlinearities().softmax().forwardAndGradient(a, logits, oneHot)[1];
        // The softmax's output side: a truncation failure inside the approximation lands here first.
        ctx.observe("softmax.grad", grad);
        // Before backward: a run stopped by its telemetry keeps the weights of the step before.
        ctx.checkTelemetry();
        // Backpropagate the gradient of the SUM over the batch and divide by the batch size only at the
        // parameter gradients: in fixed point, dividing first would leave per-example gradients of a few ulps,
        // whose truncation errors (floor truncation is biased) make the emulation drift away from double.
        // The network input's gradient is never used: the first layer computes its parameters' gradients only.
        model.net().backwardParamsOnly(ctx, grad);
        reducer.sumGradients(a, model.params());
        sgd.step(ctx, model.params(), 1.0 / ((double) x.rows() * reducer.tasks()));
        step++;
    }

    /** Trains until the global step reaches {@code untilStep}; calls onStep after each step (may be null). */
    public void run(Dataset train, long untilStep, LongConsumer onStep) {
        Arithmetic a = ctx.arith();
        int spe = stepsPerEpoch(train);
        int bs = config.batchSize();
        int[] rows = new int[bs];
        while (step < untilStep) {
            long epoch = step / spe;
            int pos = (int) (step % spe);
            if (epoch != orderEpoch) {
                order = epochOrder(train.size(), config.seed(), epoch);
                orderEpoch = epoch;
            }
            System.arraycopy(order, pos * bs, rows, 0, bs);
            Matrix x = a.fromPublic(bs, train.shape().size(), train.batchFeatures(rows));
            if (config.augmentPad() > 0) {
                SplittableRandom rng = Seeds.random(config.seed(), epoch, step, "augment");
                x = Augment.cropFlip(a, x, train.shape(), config.augmentPad(), rng);
            }
            Matrix y = a.fromPublic(bs, train.classes(), train.batchOneHot(rows));
            trainStep(epoch, x, y);
            if (onStep != null) {
                onStep.accept(step);
            }
        }
    }

    /**
     * The order in which an epoch visits the examples: public, seeded by (seed, epoch), so both servers of a
     * secure run and its cleartext emulation batch the same rows.
     */
    public static int[] epochOrder(int size, long seed, long epoch) {
        return shuffle(size, Seeds.random(seed, epoch, -1, "shuffle"));
    }

    /** Fisher-Yates with the given generator. */
    static int[] shuffle(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Revealed logits of the given batch in evaluation mode (batch norm uses running statistics). */
    public double[] logits(Matrix x) {
        ctx.at(false, -1, evalBatches++, config.seed());
        return ctx.arith().reveal(model.net().forward(ctx, x));
    }

    /** Accuracy and mean cross-entropy (with the configured softmax) over a data set, in batches. */
    public Evaluation evaluate(Dataset data, int batch) {
        Arithmetic a = ctx.arith();
        int correct = 0;
        double loss = 0;
        int classes = data.classes();
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = start + i;
            }
            ctx.at(false, -1, evalBatches++, config.seed());
            Matrix logits = model.net().forward(ctx, a.fromPublic(n, data.shape().size(), data.batchFeatures(rows)));
            double[] l = a.reveal(logits);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (l[i * classes + c] > l[i * classes + best]) {
                        best = c;
                    }
                }
                if (best == data.labels()[start + i]) {
                    correct++;
                }
            }
            ctx.scope("loss.eval");
            Matrix probs = ctx.nonlinearities().softmax().forward(a, logits);
            for (double v : ctx.nonlinearities().softmax().loss(a, probs, a.fromPublic(n, classes, data.batchOneHot(rows)))) {
                loss += v;
            }
        }
        return new Evaluation((double) correct / data.size(), loss / data.size(), data.size());
    }

    /** Accuracy in [0, 1] and mean per-example cross-entropy over n examples. */
    public record Evaluation(double accuracy, double meanLoss, int examples) {
    }

    /** Writes weights, buffers, velocities and the step to a checkpoint file (atomically). */
    public void save(Path path) throws IOException {
        Checkpoint.write(path, ctx.arith(), config.seed(), step, model.params(), sgd.velocities());
    }

    /**
     * Continues at a global step whose weights and velocities the caller restored itself (the secure job's
     * checkpoints live in each server's store, see org.twintrain.jobs.train.RunCheckpoints).
     */
    public void resumeAt(long globalStep) {
        if (globalStep < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + globalStep);
        }
        step = globalStep;
        orderEpoch = -1;
    }

    /** Restores a checkpoint written by {@link #save} for the same model, backend and seed. */
    public void restore(Path path) throws IOException {
        step = Checkpoint.read(path, ctx.arith(), config.seed(), model.params(), sgd.velocities());
        orderEpoch = -1;
    }
}
