package org.twintrain.engine.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.engine.SoftmaxLoss;
import org.twintrain.engine.layers.Embedding;
import org.twintrain.engine.layers.GruCell;
import org.twintrain.engine.layers.Init;
import org.twintrain.engine.layers.LstmCell;
import org.twintrain.engine.layers.RecurrentCell;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * An encoder-decoder for translation (the paper's Table 3 setting): source embedding and an LSTM or GRU
 * encoder whose final state starts the decoder; target embedding, decoder cell, and an output layer with the
 * configured softmax over the target vocabulary. Training uses teacher forcing (the decoder reads the true
 * previous target token, BOS first) and backpropagation through time; the loss is the cross-entropy of the
 * real (unmasked) target tokens, averaged over them, and {@link #perplexity} is exp of that average.
 *
 * <p>Token ids are public inputs here (embedding by gather); the cells' sigmoid and tanh and the softmax are
 * the context's approximations. Width = hidden units, depth = 1 layer per side.
 */
public final class Seq2Seq {
    /** The recurrent cell type. */
    public enum Cell { LSTM, GRU }

    /** Time-major token ids: src[t][b], tgt[t][b], and mask[t][b] = 1 for real target tokens, 0 for padding. */
    public record Batch(int[][] src, int[][] tgt, double[][] mask) {
        public int size() {
            return src[0].length;
        }

        public double tokens() {
            double n = 0;
            for (double[] row : mask) {
                for (double m : row) {
                    n += m;
                }
            }
            return n;
        }
    }

    private final Cell cellType;
    private final int targetVocab;
    private final int hidden;
    private final int embed;
    private final int bos;
    private final Embedding srcEmbedding;
    private final Embedding tgtEmbedding;
    private final RecurrentCell encoder;
    private final RecurrentCell decoder;
    private final Param outWeight;
    private final Param outBias;

    public Seq2Seq(Arithmetic a, long seed, Cell cell, int sourceVocab, int targetVocab, int embed, int hidden, int bos) {
        SplittableRandom rng = new SplittableRandom(seed);
        this.cellType = cell;
        this.targetVocab = targetVocab;
        this.hidden = hidden;
        this.embed = embed;
        this.bos = bos;
        this.srcEmbedding = new Embedding("srcEmbedding", a, rng.split(), sourceVocab, embed);
        this.tgtEmbedding = new Embedding("tgtEmbedding", a, rng.split(), targetVocab, embed);
        this.encoder = cell == Cell.LSTM ? new LstmCell("encoder", a, rng.split(), embed, hidden)
                : new GruCell("encoder", a, rng.split(), embed, hidden);
        this.decoder = cell == Cell.LSTM ? new LstmCell("decoder", a, rng.split(), embed, hidden)
                : new GruCell("decoder", a, rng.split(), embed, hidden);
        this.outWeight = new Param("out.w", Init.uniform(a, rng.split(), hidden, targetVocab, hidden), true);
        this.outBias = new Param("out.b", a.zeros(1, targetVocab), true);
    }

    public List<Param> params() {
        List<Param> all = new ArrayList<>(srcEmbedding.params());
        all.addAll(tgtEmbedding.params());
        all.addAll(encoder.params());
        all.addAll(decoder.params());
        all.add(outWeight);
        all.add(outBias);
        return all;
    }

    public String describe() {
        return "model=seq2seq cell=" + cellType.name().toLowerCase(java.util.Locale.ROOT) + " width(hidden)=" + hidden
                + " embed=" + embed + " depth=1 targetVocab=" + targetVocab;
    }

    /** One teacher-forced SGD step at the context's step. */
    public void trainStep(Context ctx, Batch batch, Sgd sgd) {
        run(ctx, batch, true);
        sgd.step(ctx, params());
    }

    /** {sum of target-token cross-entropies, number of target tokens} (revealed; for evaluation). */
    public double[] loss(Context ctx, Batch batch) {
        return run(ctx, batch, false);
    }

    public static double perplexity(double lossSum, double tokens) {
        return Math.exp(lossSum / tokens);
    }

    private double[] run(Context ctx, Batch batch, boolean train) {
        Arithmetic a = ctx.arith();
        SoftmaxLoss softmax = ctx.nonlinearities().softmax();
        int n = batch.size();
        int ts = batch.src().length;
        int tt = batch.tgt().length;
        double tokens = batch.tokens();
        encoder.reset();
        decoder.reset();
        Matrix[] state = encoder.zeroState(ctx, n);
        for (int t = 0; t < ts; t++) {
            state = encoder.step(ctx, t, srcEmbedding.forwardIds(ctx, batch.src()[t]), state);
        }
        int[][] inputs = new int[tt][];
        Matrix[] hs = new Matrix[tt];
        Matrix[] dLogits = new Matrix[tt];
        double lossSum = 0;
        for (int t = 0; t < tt; t++) {
            inputs[t] = t == 0 ? filled(n, bos) : batch.tgt()[t - 1];
            state = decoder.step(ctx, t, tgtEmbedding.forwardIds(ctx, inputs[t]), state);
            hs[t] = state[0];
            ctx.scope("out.t" + t + ".fwd");
            Matrix logits = a.addRow(a.matmul(hs[t], outWeight.value()), outBias.value());
            Matrix probs = softmax.forward(a, logits);
            Matrix oneHot = a.fromPublic(n, targetVocab, oneHot(batch.tgt()[t]));
            if (train) {
                double[] weights = new double[n * targetVocab];
                for (int b = 0; b < n; b++) {
                    Arrays.fill(weights, b * targetVocab, (b + 1) * targetVocab, batch.mask()[t][b] / tokens);
                }
                dLogits[t] = a.mulPublic(softmax.gradient(a, logits, probs, oneHot), weights);
            } else {
                double[] l = softmax.loss(a, probs, oneHot);
                for (int b = 0; b < n; b++) {
                    lossSum += l[b] * batch.mask()[t][b];
                }
            }
        }
        if (!train) {
            return new double[] {lossSum, tokens};
        }
        Matrix[] dState = null;
        for (int t = tt - 1; t >= 0; t--) {
            ctx.scope("out.t" + t + ".bwd");
            outWeight.accumulate(a, a.matmulTransposeA(hs[t], dLogits[t]));
            outBias.accumulate(a, a.sumRows(dLogits[t]));
            Matrix dh = a.matmulTransposeB(dLogits[t], outWeight.value());
            dState = addToOutput(ctx, decoder, dState, dh, n);
            Matrix[] back = decoder.backStep(ctx, t, dState);
            tgtEmbedding.backwardIds(ctx, inputs[t], back[0]);
            dState = Arrays.copyOfRange(back, 1, back.length);
        }
        for (int t = ts - 1; t >= 0; t--) {
            Matrix[] back = encoder.backStep(ctx, t, dState);
            srcEmbedding.backwardIds(ctx, batch.src()[t], back[0]);
            dState = Arrays.copyOfRange(back, 1, back.length);
        }
        return null;
    }

    /** The state gradient with dh added to the output part (a zero state gradient when there is none yet). */
    private static Matrix[] addToOutput(Context ctx, RecurrentCell cell, Matrix[] dState, Matrix dh, int n) {
        Matrix[] d = dState == null ? cell.zeroState(ctx, n) : dState.clone();
        d[0] = dState == null ? dh : ctx.arith().add(d[0], dh);
        return d;
    }

    private double[] oneHot(int[] ids) {
        double[] v = new double[ids.length * targetVocab];
        for (int b = 0; b < ids.length; b++) {
            v[b * targetVocab + ids[b]] = 1;
        }
        return v;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }
}
