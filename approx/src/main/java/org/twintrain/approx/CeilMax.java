package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * A per-row shift for the softmax of long rows: the smallest integer above the row maximum (clamped to
 * [LOW + 1, HIGH + 1]), in two comparison rounds whatever the row length, where {@link MaxTree} takes
 * ceil(log2 c) (11 on a 2,000-word row, which made a shifted softmax dearer in rounds than pwl:7's).
 *
 * <ol>
 *   <li>[max &gt;= t_j] per row for the integer thresholds t_j = LOW + j, j = 1 .. HIGH - LOW, by {@link
 *       Arithmetic#rowMaxAtLeast}: on two parties every logit against every threshold (one opening per logit), a
 *       local count per row and threshold, and whether it is at least one (a second round).</li>
 *   <li>The shift is LOW + 1 + the number of thresholds the maximum reaches: floor(max) + 1 for max in
 *       [LOW + 1, HIGH), so the shifted maximum lies in [-1, 0). Integers throughout: no truncation.</li>
 * </ol>
 *
 * The shift is piecewise constant in the logits, so the softmax's gradient does not flow through it. The
 * logits must lie within (-HIGH, HIGH): a two-party comparison is sized for differences up to twice the largest
 * threshold.
 */
final class CeilMax {
    static final int LOW = -32;
    static final int HIGH = 32;
    /** Rows up to this many columns take the exact maximum's tree (at most 4 levels: as few rounds, fewer bytes). */
    static final int TREE_UP_TO = 16;

    private CeilMax() {
    }

    /** rows x 1: for each row of logits, the smallest integer above its maximum (clamped, see the class comment). */
    static Matrix of(Arithmetic a, Matrix logits) {
        int count = HIGH - LOW;
        double[] thresholds = new double[count];
        for (int j = 0; j < count; j++) {
            thresholds[j] = LOW + j + 1;
        }
        return a.addPublic(a.sumCols(a.rowMaxAtLeast(logits, thresholds)), LOW + 1);
    }
}
