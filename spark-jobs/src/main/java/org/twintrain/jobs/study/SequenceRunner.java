package org.twintrain.jobs.study;

import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.twintrain.dataprep.format.Vocabulary;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Seeds;
import org.twintrain.engine.models.Seq2Seq;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.sharing.arith.Arithmetic;

/**
 * The engine's {@link Seq2Seq} (teacher forcing, BPTT, the configured softmax and tanh/sigmoid inside the cells)
 * driven step by step: the engine has no sequence trainer, so this class only picks the batches (an epoch's
 * order from (seed, epoch), as the engine's Trainer does; the incomplete last batch dropped) and calls
 * {@link Seq2Seq#trainStep} and {@link Seq2Seq#loss}. The training loss is per real target token.
 */
final class SequenceRunner implements StudyRunner {
    private final Seq2Seq model;
    private final Context ctx;
    private final Sgd sgd;
    private final LossRecorder recorder;
    private final TextData data;
    private final int batch;
    private final long seed;
    private final String scale;
    private long step;
    private int[] order;
    private long orderEpoch = -1;
    private double lastLoss = Double.NaN;

    SequenceRunner(StudyConfig c, Arithmetic arith, Nonlinearities base, Sgd sgd, TextData data) {
        this.recorder = new LossRecorder(base.softmax());
        this.ctx = new Context(arith, new Nonlinearities(base.sigmoid(), base.tanh(), recorder));
        StudyConfig.ModelSpec m = c.model();
        Seq2Seq.Cell cell = switch (m.engine()) {
            case "seq2seq-lstm" -> Seq2Seq.Cell.LSTM;
            case "seq2seq-gru" -> Seq2Seq.Cell.GRU;
            default -> throw new IllegalArgumentException("text data needs model engine seq2seq-lstm or seq2seq-gru, got '"
                    + m.engine() + "'");
        };
        this.model = new Seq2Seq(arith, c.seed(), cell, data.source.size(), data.target.size(), m.embed(), m.hidden(),
                Vocabulary.BOS_ID);
        this.sgd = sgd;
        this.data = data;
        this.batch = c.train().batch();
        this.seed = c.seed();
        if (data.trainSize() < batch) {
            throw new IllegalArgumentException("batch size " + batch + " exceeds the " + data.trainSize()
                    + " training sentence pairs");
        }
        if (data.devSize() == 0) {
            throw new IllegalArgumentException("no dev sentence pairs within the length limit");
        }
        this.scale = model.describe() + " sourceVocab=" + data.source.size() + " train=" + data.trainSize() + " dev="
                + data.devSize();
    }

    @Override
    public String scale() {
        return scale;
    }

    @Override
    public int classes() {
        return data.target.size();
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public void train(long untilStep, LongConsumer onStep) {
        int spe = data.trainSize() / batch;
        int[] rows = new int[batch];
        while (step < untilStep) {
            long epoch = step / spe;
            if (epoch != orderEpoch) {
                order = shuffle(data.trainSize(), Seeds.random(seed, epoch, -1, "shuffle"));
                orderEpoch = epoch;
            }
            System.arraycopy(order, (int) (step % spe) * batch, rows, 0, batch);
            Seq2Seq.Batch b = TextData.batch(data.trainSrc, data.trainTgt, rows);
            recorder.clear();
            model.trainStep(ctx.at(true, epoch, step, seed), b, sgd);
            double sum = 0;
            for (int t = 0; t < recorder.rowLosses().size(); t++) {
                double[] l = recorder.rowLosses().get(t);
                for (int r = 0; r < l.length; r++) {
                    sum += l[r] * b.mask()[t][r];
                }
            }
            lastLoss = sum / b.tokens();
            recorder.clear();
            step++;
            onStep.accept(step);
        }
    }

    @Override
    public double lastLoss() {
        return lastLoss;
    }

    @Override
    public double[] evaluate() {
        double loss = 0;
        double tokens = 0;
        for (int start = 0; start < data.devSize(); start += batch) {
            int n = Math.min(batch, data.devSize() - start);
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = start + i;
            }
            double[] l = model.loss(ctx.at(false, -1, step, seed), TextData.batch(data.devSrc, data.devTgt, rows));
            loss += l[0];
            tokens += l[1];
        }
        return new double[] {Double.NaN, loss / tokens};
    }

    private static int[] shuffle(int n, SplittableRandom rng) {
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
}
