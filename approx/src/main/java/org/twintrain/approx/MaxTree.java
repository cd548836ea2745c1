package org.twintrain.approx;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The entrywise maximum of n same-shaped matrices as a balanced tree: ceil(log2 n) levels, and each level
 * handles all its pairs in one backend call by joining them side by side: one {@link Arithmetic#max} (on two
 * parties a comparison fused with its select, 8 rounds) whatever n is.
 *
 * <p>Each candidate may carry a tag (for piecewise-linear functions: the slope of its line), which follows
 * the selected value: then a level is one {@link Arithmetic#lessThanZero} and one {@link Arithmetic#mul} of the
 * value and tag differences together, and the result's tag is the derivative of the maximum.
 */
final class MaxTree {
    private MaxTree() {
    }

    /**
     * max of the values, entrywise: per level one {@link Arithmetic#max} of the left and the right candidates
     * side by side (on two parties a fused comparison and select, 8 rounds).
     */
    static Matrix max(Arithmetic a, List<Matrix> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("max of no values");
        }
        List<Matrix> v = new ArrayList<>(values);
        while (v.size() > 1) {
            int pairs = v.size() / 2, cols = v.get(0).cols();
            Matrix[] left = new Matrix[pairs], right = new Matrix[pairs];
            for (int i = 0; i < pairs; i++) {
                left[i] = v.get(2 * i);
                right[i] = v.get(2 * i + 1);
            }
            Matrix m = a.max(a.concatColumns(left), a.concatColumns(right));
            List<Matrix> next = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                next.add(a.columns(m, i * cols, (i + 1) * cols));
            }
            if (v.size() % 2 == 1) {
                next.add(v.get(v.size() - 1));
            }
            v = next;
        }
        return v.get(0);
    }

    /**
     * {max of the values, the tag of the selected value} entrywise; tags may be null (then only the maximum is
     * computed and the second element is null). Ties keep the earlier candidate.
     */
    static Matrix[] maxWithTags(Arithmetic a, List<Matrix> values, List<Matrix> tags) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("max of no values");
        }
        List<Matrix> v = new ArrayList<>(values);
        List<Matrix> t = tags == null ? null : new ArrayList<>(tags);
        while (v.size() > 1) {
            int pairs = v.size() / 2;
            int rows = v.get(0).rows(), cols = v.get(0).cols();
            Matrix[] diffs = new Matrix[pairs];
            for (int i = 0; i < pairs; i++) {
                diffs[i] = a.sub(v.get(2 * i), v.get(2 * i + 1));
            }
            // bit = [left < right]: select the right one.
            Matrix bits = a.lessThanZero(a.concatColumns(diffs));
            int width = tags == null ? pairs : 2 * pairs;
            Matrix[] deltas = new Matrix[width];
            for (int i = 0; i < pairs; i++) {
                deltas[i] = a.neg(diffs[i]);
                if (tags != null) {
                    deltas[pairs + i] = a.sub(t.get(2 * i + 1), t.get(2 * i));
                }
            }
            Matrix bitsWide = tags == null ? bits : a.concatColumns(bits, bits);
            Matrix chosen = a.mul(bitsWide, a.concatColumns(deltas));
            List<Matrix> nextV = new ArrayList<>();
            List<Matrix> nextT = tags == null ? null : new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                nextV.add(a.add(v.get(2 * i), a.columns(chosen, i * cols, (i + 1) * cols)));
                if (tags != null) {
                    nextT.add(a.add(t.get(2 * i), a.columns(chosen, (pairs + i) * cols, (pairs + i + 1) * cols)));
                }
            }
            if (v.size() % 2 == 1) {
                nextV.add(v.get(v.size() - 1));
                if (tags != null) {
                    nextT.add(t.get(t.size() - 1));
                }
            }
            v = nextV;
            t = nextT;
            if (rows != v.get(0).rows()) {
                throw new IllegalStateException("row count changed in the max tree");
            }
        }
        return new Matrix[] {v.get(0), t == null ? null : t.get(0)};
    }
}
