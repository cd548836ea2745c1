package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The logistic sigmoid built from an approximated e^x, as a two-class softmax of the logits (x/2, -x/2):
 * sigmoid(x) = e(x/2) / (e(x/2) + e(-x/2)), exactly the sigmoid for exact e^x.
 *
 * <p>Why this form: it keeps sigmoid(-x) = 1 - sigmoid(x) for every approximation, and its denominator
 * e(u) + e(-u) is bounded away from 0: for the convex ones (pwl, even Taylor) it is even and convex, so at least
 * 2 e(0): 2 for {@code pwl:4} and even Taylor, 1.24 / 1.96 / 1.61 for the fitted {@code pwl:5..7}; for clipped odd
 * Taylor it is at least T_k(u) + T_k(-u), twice the even part, so at least 2; 0 only for {@code relu}, where the zero case of {@link
 * Reciprocal} gives 1/2. The division is thus well conditioned; 1/(1 + e(-x)) would instead need the reciprocal
 * of a number that grows like e(|x|). It reuses {@link Softmax}
 * (and its reciprocal) unchanged.
 *
 * <p>The derivative is that of the composed function: with u = x/2, D = e(u) + e(-u),
 * d/dx = (e'(u) e(-u) + e(u) e'(-u)) / (2 D^2) = (g0 s1 + s0 g1) / 2 where s = e/D and g = e'/D. When the
 * softmax subtracts the maximum (limit:n, pwlsm:k, exact), the pair is (0, -2u) or (2u, 0) and d/dx is s0 g1 or
 * g0 s1, picked by one comparison.
 */
public final class Sigmoid {
    private final Softmax softmax;

    public Sigmoid(Softmax softmax) {
        this.softmax = softmax;
    }

    /** sigmoid(x), entrywise, any shape. */
    public Matrix apply(Arithmetic a, Matrix x) {
        Matrix p = softmax.forward(a, pair(a, x));
        return a.reshape(a.columns(p, 0, 1), x.rows(), x.cols());
    }

    /** The derivative of the approximated sigmoid at x (the input, not the output), entrywise. */
    public Matrix derivative(Arithmetic a, Matrix x) {
        Matrix z = softmax.prepared(a, pair(a, x));
        Matrix[] ed = softmax.exp().applyWithDerivative(a, z);
        Matrix sum = a.sumCols(ed[0]);
        Matrix q = softmax.reciprocal().divideRows(a, a.concatColumns(ed[0], ed[1]), sum, 2);
        // q = [s0, s1, g0, g1]; products g0 s1 and s0 g1 in one round.
        Matrix prods = a.mul(a.concatColumns(a.columns(q, 2, 3), a.columns(q, 0, 1)),
                a.concatColumns(a.columns(q, 1, 2), a.columns(q, 3, 4)));
        Matrix d;
        if (softmax.exp().shiftsByMax()) {
            // z = (u, -u) - max: for u > 0, z = (0, -2u), so d/dx = s0 g1; otherwise z = (2u, 0), d/dx = g0 s1.
            Matrix positive = a.lessThanZero(a.columns(z, 1, 2));
            Matrix first = a.columns(prods, 0, 1);
            d = a.add(first, a.mul(positive, a.sub(a.columns(prods, 1, 2), first)));
        } else {
            d = a.scale(a.sumCols(prods), 0.5);
        }
        return a.reshape(d, x.rows(), x.cols());
    }

    /** (x/2, -x/2) as an n x 2 matrix. */
    private static Matrix pair(Arithmetic a, Matrix x) {
        Matrix u = a.reshape(a.scale(x, 0.5), x.size(), 1);
        return a.concatColumns(u, a.neg(u));
    }
}
