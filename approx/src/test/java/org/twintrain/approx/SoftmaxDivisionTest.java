package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The true gradient's two divisions (spread e'/S and the target's e'/e) made in one reciprocal give what two
 * separate divisions give, including the zero case of a target whose e is 0.
 */
class SoftmaxDivisionTest {

    @ParameterizedTest
    @ValueSource(strings = {"pwl:4", "relu", "taylor:3"})
    void oneDivisionForBothEqualsTwoSeparateOnes(String exp) {
        Arithmetic a = new FixedPointArithmetic(16);
        Softmax s = ApproxConfig.parse(Map.of("exp", exp)).softmax();
        int rows = 6, c = 5;
        double[] logits = new double[rows * c], targets = new double[rows * c];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < c; k++) {
                logits[i * c + k] = Math.sin(3.1 * i + 1.7 * k) * 4; // mixed signs: relu rows with zero entries
            }
            targets[i * c + (i % c)] = 1;
        }
        logits[2 * c + 2] = -9; // row 2's target is deep in relu's zero: e = 0 and e' = 0
        Matrix x = a.fromPublic(rows, c, logits), y = a.fromPublic(rows, c, targets);
        double[] merged = a.reveal(s.crossEntropyGradient(a, x, s.forward(a, x), y));

        Matrix[] ed = s.exp().applyWithDerivative(a, x);
        Matrix sum = a.sumCols(ed[0]);
        Matrix picked = a.mul(a.concatColumns(y, y), a.concatColumns(ed[0], ed[1]));
        Matrix target = a.sumCols(a.columns(picked, 0, c)), targetDerivative = a.sumCols(a.columns(picked, c, 2 * c));
        Matrix spread = s.reciprocal().divideRows(a, ed[1], sum);
        Matrix ratio = s.reciprocal().divideRows(a, targetDerivative, target);
        double[] separate = a.reveal(a.sub(spread, a.mul(y, Reciprocal.broadcast(a, ratio, c))));
        double[] e = a.reveal(target), de = a.reveal(targetDerivative), spreads = a.reveal(spread);
        for (int i = 0; i < merged.length; i++) {
            int row = i / c;
            boolean zeroCase = e[row] < Math.scalb(1.0, s.reciprocal().minExponent());
            if (!zeroCase || targets[i] == 0) {
                assertEquals(separate[i], merged[i], 4 * a.resolution(), exp + ": entry " + i);
            } else {
                // The target's ratio in the zero case is (e' + c) / (e + c): 1 where e' = e = 0, as before.
                assertEquals(spreads[i] - (de[row] + c) / (e[row] + c), merged[i], 4 * a.resolution(), exp + ": " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pwl:4", "relu", "taylor:3", "pwlsm:4", "limit:8"})
    void forwardAndGradientInOnePassEqualTheSeparateCalls(String exp) {
        Arithmetic a = new FixedPointArithmetic(16);
        Softmax s = ApproxConfig.parse(Map.of("exp", exp)).softmax();
        int rows = 7, c = 6;
        double[] logits = new double[rows * c], targets = new double[rows * c];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = Math.cos(2.3 * i) * 5;
        }
        for (int i = 0; i < rows; i++) {
            targets[i * c + (i * 5) % c] = 1;
        }
        logits[3 * c + (15 % c)] = -12; // row 3's target far below the others
        Matrix x = a.fromPublic(rows, c, logits), y = a.fromPublic(rows, c, targets);
        Matrix[] pg = s.forwardAndGradient(a, x, y);
        double[] p = a.reveal(s.forward(a, x)), g = a.reveal(s.crossEntropyGradient(a, x, s.forward(a, x), y));
        double[] p1 = a.reveal(pg[0]), g1 = a.reveal(pg[1]);
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], p1[i], 4 * a.resolution(), exp + ": probability " + i);
            assertEquals(g[i], g1[i], 4 * a.resolution(), exp + ": gradient " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void onePassSavesADivisionOfRoundsOnTwoParties() {
        Softmax s = ApproxConfig.defaults().softmax();
        long[] r = new long[3];
        new org.twintrain.sharing.arith.TwoPartyRunner(new org.twintrain.sharing.ring.FixedPoint(16),
                org.twintrain.sharing.protocol.TruncationMode.WRAP_FREE, new byte[32]).run(a -> {
                    Matrix x = a.fromPublic(4, 10, new double[40]);
                    Matrix y = a.fromPublic(4, 10, new double[40]);
                    var stats = a.context().channel().stats();
                    long r0 = stats.rounds();
                    Matrix p = s.forward(a, x);
                    long r1 = stats.rounds();
                    s.crossEntropyGradient(a, x, p, y);
                    long r2 = stats.rounds();
                    s.forwardAndGradient(a, x, y);
                    r[0] = r1 - r0;
                    r[1] = r2 - r1;
                    r[2] = stats.rounds() - r2;
                    return null;
                });
        // forward: e^x and one division; gradient: e^x with slopes and one division; one pass: the latter alone.
        assertEquals(r[1], r[2], "one pass costs the gradient's rounds: " + java.util.Arrays.toString(r));
        org.junit.jupiter.api.Assertions.assertTrue(r[0] >= 10, "the saved forward had a division: " + r[0]);
    }
}
