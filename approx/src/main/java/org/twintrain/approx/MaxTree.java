package org.twintrain.approx;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The entrywise maximum of n same-shaped matrices as a balanced tree: ceil(log2 n) levels, and each level
 * handles all its pairs in one backend call by joining them side by side: one {@link Arithmetic#max} (on two
 * parties one round with the DCF comparison, 8 with the adder) whatever n is.
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
}
