package org.twintrain.approx;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The entrywise maximum of n same-shaped matrices as a balanced tree: ceil(log2 n) levels, and each level
 * handles all its pairs in one backend call by joining them side by side: one {@link Arithmetic#max} (on two
 * parties one round with the DCF comparison, 8 with the adder) whatever n is.
 *
 * <p>Each candidate may carry a tag (for piecewise-linear functions: the slope of its line), which follows
 * the selected value: then a level is one {@link Arithmetic#maxWithBit} and one {@link Arithmetic#mulBit} of the
 * tag differences, and the result's tag is the derivative of the maximum.
 */
final class MaxTree {
    private MaxTree() {
    }

    /**
     * max of the values, entrywise: per level one {@link Arithmetic#max} of the left and the right candidates
     * side by side (on two parties one comparison whose round also gives the product by its bit).
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
        if (tags == null) {
            return new Matrix[] {max(a, values), null};
        }
        List<Matrix> v = new ArrayList<>(values);
        List<Matrix> t = new ArrayList<>(tags);
        while (v.size() > 1) {
            int pairs = v.size() / 2, cols = v.get(0).cols();
            Matrix[] left = new Matrix[pairs], right = new Matrix[pairs], tagDeltas = new Matrix[pairs];
            Matrix[] rightTags = new Matrix[pairs];
            for (int i = 0; i < pairs; i++) {
                left[i] = v.get(2 * i);
                right[i] = v.get(2 * i + 1);
                rightTags[i] = t.get(2 * i + 1);
                tagDeltas[i] = a.sub(t.get(2 * i), t.get(2 * i + 1));
            }
            // bit = [left >= right] (ties keep the earlier candidate); the tag follows it by an exact bit product.
            Matrix[] maxAndBit = a.maxWithBit(a.concatColumns(left), a.concatColumns(right));
            Matrix tag = a.add(a.concatColumns(rightTags), a.mulBit(maxAndBit[1], a.concatColumns(tagDeltas)));
            List<Matrix> nextV = new ArrayList<>(), nextT = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                nextV.add(a.columns(maxAndBit[0], i * cols, (i + 1) * cols));
                nextT.add(a.columns(tag, i * cols, (i + 1) * cols));
            }
            if (v.size() % 2 == 1) {
                nextV.add(v.get(v.size() - 1));
                nextT.add(t.get(t.size() - 1));
            }
            v = nextV;
            t = nextT;
        }
        return new Matrix[] {v.get(0), t == null ? null : t.get(0)};
    }
}
