package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/** The secure evaluation's row maxima: a tree of pairwise maxima, exact, and ceil(log2 n) comparisons deep. */
class RowMaxTest {
    private static final FixedPoint CODEC = new FixedPoint(16);

    private static TwoPartyRunner.Result<double[]> run(double[] values, int rows, int cols, boolean tree) {
        return new TwoPartyRunner(CODEC, TruncationMode.WRAP_FREE, new byte[32]).run(a -> {
            a.beginScope(0, 0, "max");
            var m = a.fromPublic(rows, cols, values);
            if (tree) {
                return a.reveal(EngineProgram.rowMax(a, m));
            }
            var max = a.gather(m, rows, 1, column(rows, cols, 0));
            for (int c = 1; c < cols; c++) {
                max = a.max(max, a.gather(m, rows, 1, column(rows, cols, c)));
            }
            return a.reveal(max);
        });
    }

    private static int[] column(int rows, int cols, int c) {
        int[] index = new int[rows];
        for (int i = 0; i < rows; i++) {
            index[i] = i * cols + c;
        }
        return index;
    }

    @Test
    void theTreeGivesEveryRowsMaximumInFewerRoundsThanAChain() {
        SplittableRandom r = new SplittableRandom(3);
        for (int cols : new int[] {1, 2, 3, 10}) {
            int rows = 17;
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = i % 7 == 0 ? -3.5 : r.nextDouble(-100, 100); // negatives, ties and zeros among them
            }
            v[0] = 0;
            var tree = run(v, rows, cols, true);
            for (int i = 0; i < rows; i++) {
                double want = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    want = Math.max(want, v[i * cols + c]);
                }
                assertEquals(want, tree.party0()[i], CODEC.ulp(), cols + " columns, row " + i);
            }
            if (cols == 10) {
                var chain = run(v, rows, cols, false);
                // 4 levels against 9 maxima in a chain (the reveal adds one round to both), whatever a max costs.
                long treeMax = tree.stats0().rounds() - 1, chainMax = chain.stats0().rounds() - 1;
                assertTrue(treeMax > 0 && treeMax * 9 == chainMax * 4, "tree " + tree.stats0().rounds()
                        + " rounds, chain " + chain.stats0().rounds());
            }
        }
    }
}
