package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.twintrain.engine.models.Seq2Seq;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.sharing.arith.DoubleArithmetic;

/**
 * The encoder-decoder learns a generated translation task (the target is the source reversed, through a
 * fixed token mapping): dev perplexity falls far below the uniform model's (the number of real tokens).
 */
class Seq2SeqTest {
    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int VOCAB = 8;
    private static final int LEN = 3;

    /** Sources of length LEN over tokens 2..VOCAB-1; target t = map(source LEN-1-t); the last position padded in odd rows. */
    private static Seq2Seq.Batch batch(SplittableRandom rng, int n) {
        int[][] src = new int[LEN][n];
        int[][] tgt = new int[LEN][n];
        double[][] mask = new double[LEN][n];
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < LEN; t++) {
                src[t][b] = 2 + rng.nextInt(VOCAB - 2);
            }
            for (int t = 0; t < LEN; t++) {
                boolean padded = b % 2 == 1 && t == LEN - 1;
                tgt[t][b] = padded ? PAD : 2 + (src[LEN - 1 - t][b] - 2 + 3) % (VOCAB - 2);
                mask[t][b] = padded ? 0 : 1;
            }
        }
        return new Seq2Seq.Batch(src, tgt, mask);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LSTM, exact", "GRU, pwl"})
    void learnsReversal(Seq2Seq.Cell cell, String approx) {
        DoubleArithmetic a = new DoubleArithmetic(1);
        Context ctx = new Context(a, approx.equals("exact") ? Approx.exact() : Approx.defaults());
        Seq2Seq model = new Seq2Seq(a, 3, cell, VOCAB, VOCAB, 8, 32, BOS);
        Sgd sgd = new Sgd(0.9, 0, StepSchedule.constant(0.5));
        Seq2Seq.Batch dev = batch(new SplittableRandom(99), 128);
        double[] before = model.loss(ctx.at(false, 0, 0, 1), dev);
        SplittableRandom rng = new SplittableRandom(5);
        for (int step = 0; step < 100; step++) {
            model.trainStep(ctx.at(true, 0, step, 1), batch(rng, 32), sgd);
        }
        double[] after = model.loss(ctx.at(false, 0, 100, 1), dev);
        double pplBefore = Seq2Seq.perplexity(before[0], before[1]);
        double pplAfter = Seq2Seq.perplexity(after[0], after[1]);
        System.out.println(model.describe() + " " + approx + ": dev perplexity " + pplBefore + " -> " + pplAfter);
        assertTrue(pplAfter < 0.5 * (VOCAB - 2), model.describe() + ": perplexity " + pplBefore + " -> " + pplAfter
                + " (uniform over real tokens: " + (VOCAB - 2) + ")");
    }
}
