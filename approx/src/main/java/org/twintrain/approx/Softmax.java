package org.twintrain.approx;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Softmax over the columns of each row (rows = examples, cols = classes) built from an approximated e^x:
 * p_k = e(x_k) / sum_j e(x_j) (Ho et al., section 3), and the cross-entropy on top of it.
 *
 * <ul>
 *   <li>Division: {@link Reciprocal#divideRows}, which defines the all-zero row (possible with {@code relu} and
 *       clipped odd Taylor) as uniform 1/c.</li>
 *   <li>With {@code exact} e^x (cleartext only) the row maximum is subtracted first, which changes nothing
 *       mathematically and keeps e^x within double and fixed-point range; so do {@code limit:n} and {@code pwlsm:k},
 *       made for inputs x &lt;= 0 (on two parties: a comparison tree of ceil(log2 c) levels per row; rows of more
 *       than 16 columns are shifted by the smallest integer above their maximum instead, {@link CeilMax}, two
 *       rounds whatever c is, the top logit then in [-1, 0)). The paper's
 *       approximations are not shift invariant, so they get the logits as they are, as in the paper.</li>
 *   <li>Gradient ({@link SoftmaxGradient}): for the loss L = -sum_k y_k log p_k of one row with one-hot y, the
 *       true derivative of the composed function is dL/dx_k = e'(x_k) / S - y_k e'(x_t) / e(x_t), with S =
 *       sum_j e(x_j) and t the target class (for exact e^x this is p_k - y_k). e'(x_t) / e(x_t) is one secret
 *       division per row (t is secret: the target's e and e' are picked with y by a product). Where e(x_t) =
 *       0 (relu or a clipped Taylor below its root: the loss is infinite) that ratio is defined by the
 *       zero case of {@link Reciprocal} as (e' + c) / (e + c), 1 where e' = e = 0, so the target's logit is still
 *       pushed up. Both divisions of the gradient run as one reciprocal (one division's rounds).
 *       SecureML's option returns p - y.</li>
 * </ul>
 */
public final class Softmax {
    private final ExpApproximation exp;
    private final Reciprocal reciprocal;
    private final SoftmaxGradient gradient;

    public Softmax(ExpApproximation exp, Reciprocal reciprocal, SoftmaxGradient gradient) {
        this.exp = exp;
        this.reciprocal = reciprocal;
        this.gradient = gradient;
    }

    public ExpApproximation exp() {
        return exp;
    }

    public Reciprocal reciprocal() {
        return reciprocal;
    }

    public SoftmaxGradient gradient() {
        return gradient;
    }

    /** The probabilities, rows x classes. */
    public Matrix forward(Arithmetic a, Matrix logits) {
        Matrix e = exp.apply(a, prepared(a, logits));
        return reciprocal.divideRows(a, e, a.sumCols(e));
    }

    /**
     * dL/dlogits of the SUM over rows of the cross-entropy (the engine divides by the batch size). Targets are
     * one-hot rows. The true derivative uses the logits; SecureML's shortcut uses the probabilities.
     */
    public Matrix crossEntropyGradient(Arithmetic a, Matrix logits, Matrix probabilities, Matrix oneHotTargets) {
        requireSameShape(logits, oneHotTargets, "crossEntropyGradient");
        if (gradient == SoftmaxGradient.SECUREML) {
            return a.sub(probabilities, oneHotTargets);
        }
        int c = logits.cols();
        Matrix shifted = prepared(a, logits);
        Matrix[] ed = exp.applyWithDerivative(a, shifted);
        Matrix e = ed[0], de = ed[1];
        Matrix sum = a.sumCols(e);
        Matrix[] picked = targetTerms(a, e, de, oneHotTargets);
        Matrix[] quotients = divideTogether(a, de, sum, picked[1], picked[0], c);
        return gradientFrom(a, quotients[0], quotients[1], oneHotTargets, shifted);
    }

    /**
     * {probabilities, dL/dlogits of the summed cross-entropy} in one pass, what a training step needs: e^x once with
     * its derivative, and ONE division for e / S, e' / S and the target's e' / e (on two parties the rounds of one
     * division instead of three). The probabilities equal {@link #forward}'s and the gradient {@link
     * #crossEntropyGradient}'s.
     */
    public Matrix[] forwardAndGradient(Arithmetic a, Matrix logits, Matrix oneHotTargets) {
        if (gradient == SoftmaxGradient.SECUREML) {
            Matrix p = forward(a, logits);
            return new Matrix[] {p, crossEntropyGradient(a, logits, p, oneHotTargets)};
        }
        requireSameShape(logits, oneHotTargets, "forwardAndGradient");
        int c = logits.cols();
        Matrix shifted = prepared(a, logits);
        Matrix[] ed = exp.applyWithDerivative(a, shifted);
        Matrix e = ed[0], de = ed[1];
        Matrix[] picked = targetTerms(a, e, de, oneHotTargets);
        // e and e' side by side over S: the zero case stays uniform within each group of c columns.
        Matrix[] q = divideTogether(a, a.concatColumns(e, de), a.sumCols(e), picked[1], picked[0], c);
        return new Matrix[] {a.columns(q[0], 0, c),
            gradientFrom(a, a.columns(q[0], c, 2 * c), q[1], oneHotTargets, shifted)};
    }

    /** {e(x_t), e'(x_t)} of each row's target t, picked with the one-hot targets in one product round. */
    private static Matrix[] targetTerms(Arithmetic a, Matrix e, Matrix de, Matrix oneHotTargets) {
        int c = e.cols();
        Matrix picked = a.mul(a.concatColumns(oneHotTargets, oneHotTargets), a.concatColumns(e, de));
        return new Matrix[] {a.sumCols(a.columns(picked, 0, c)), a.sumCols(a.columns(picked, c, 2 * c))};
    }

    /** spread - y (e'(x_t) / e(x_t)), through the subtracted maximum when there is one. */
    private Matrix gradientFrom(Arithmetic a, Matrix spread, Matrix logRatio, Matrix oneHotTargets, Matrix shifted) {
        Matrix g = a.sub(spread, a.mul(oneHotTargets, Reciprocal.broadcast(a, logRatio, spread.cols())));
        return exp.shiftsByMax() && !shiftsByCeiling(g.cols()) ? throughMax(a, g, shifted) : g;
    }

    /**
     * {x / d, y / e} row by row (x rows x c; y, d, e rows x 1) in ONE {@link Reciprocal#divideRows}, at the rounds of
     * one division instead of two (the division is row-wise): the rows of x stacked over rows [y, 0, ..., 0], divided
     * by d stacked over e; y / e is the sum of its row. In the zero case of a row (d or e below 2^lo) the division
     * gives (x_j + 1) / (d + c) for x's rows, as one division would, and for y's row the sum (y + c) / (e + c),
     * which is 1 where y = e = 0 (the relu or clipped-Taylor case), as the separate division's (y + 1) / (e + 1).
     */
    private Matrix[] divideTogether(Arithmetic a, Matrix x, Matrix d, Matrix y, Matrix e, int classes) {
        int rows = x.rows(), w = x.cols();
        Matrix both = a.concatColumns(x, y); // rows x (w + 1)
        int[] numerators = new int[2 * rows * w];
        int[] denominators = new int[2 * rows];
        int[] top = new int[rows * w];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < w; k++) {
                numerators[i * w + k] = i * (w + 1) + k;
                numerators[(rows + i) * w + k] = k == 0 ? i * (w + 1) + w : -1;
                top[i * w + k] = i * w + k;
            }
            denominators[i] = 2 * i;
            denominators[rows + i] = 2 * i + 1;
        }
        Matrix q = reciprocal.divideRows(a, a.gather(both, 2 * rows, w, numerators),
                a.gather(a.concatColumns(d, e), 2 * rows, 1, denominators), classes);
        int[] bottom = new int[rows * classes]; // the first group of c columns of y's rows
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < classes; k++) {
                bottom[i * classes + k] = (rows + i) * w + k;
            }
        }
        return new Matrix[] {a.gather(q, rows, w, top), a.sumCols(a.gather(q, rows, classes, bottom))};
    }

    /**
     * The gradient through the subtracted maximum: x_k - max moves with every logit at the argmax, so the argmax
     * entry loses the row's summed gradient (zero for exact e^x, small for a close approximation). The argmax is
     * where the shifted logit is not below 0: one comparison per logit (ties, a measure-zero case, all take it).
     */
    private static Matrix throughMax(Arithmetic a, Matrix g, Matrix shifted) {
        Matrix atMax = a.addPublic(a.neg(a.lessThanZero(shifted)), 1.0);
        return a.sub(g, a.mul(atMax, Reciprocal.broadcast(a, a.sumCols(g), g.cols())));
    }

    /**
     * -log p_target per row, revealed for monitoring. Only the probability of the target class is opened (one
     * product and one opening), never the targets or the other probabilities. A probability below the
     * backend's resolution (1e-12 in double) counts as that resolution, so the loss stays finite.
     */
    public double[] crossEntropyLoss(Arithmetic a, Matrix probabilities, Matrix oneHotTargets) {
        requireSameShape(probabilities, oneHotTargets, "crossEntropyLoss");
        double[] pt = a.reveal(a.sumCols(a.mul(probabilities, oneHotTargets)));
        double floor = a.fractionalBits() == 0 ? 1e-12 : a.resolution();
        double[] loss = new double[pt.length];
        for (int i = 0; i < pt.length; i++) {
            loss[i] = -Math.log(Math.max(pt[i], floor));
        }
        return loss;
    }

    /**
     * The logits minus their row maximum when the e^x asks for it ({@link ExpApproximation#shiftsByMax}); the logits
     * themselves otherwise. The gradient follows the maximum too ({@link #crossEntropyGradient}).
     */
    Matrix prepared(Arithmetic a, Matrix logits) {
        if (!exp.shiftsByMax()) {
            return logits;
        }
        if (shiftsByCeiling(logits.cols())) {
            return a.sub(logits, Reciprocal.broadcast(a, CeilMax.of(a, logits), logits.cols()));
        }
        List<Matrix> cols = new ArrayList<>();
        for (int j = 0; j < logits.cols(); j++) {
            cols.add(a.columns(logits, j, j + 1));
        }
        return a.sub(logits, Reciprocal.broadcast(a, MaxTree.max(a, cols), logits.cols()));
    }

    /**
     * Whether rows of this many columns are shifted by {@link CeilMax} (the integer above the maximum, two rounds)
     * instead of the maximum itself ({@link MaxTree}, ceil(log2 c) rounds): for rows longer than {@link
     * CeilMax#TREE_UP_TO} with an e^x that runs on two parties (exact e^x keeps the true maximum).
     */
    boolean shiftsByCeiling(int cols) {
        return exp.shiftsByMax() && !exp.cleartextOnly() && cols > CeilMax.TREE_UP_TO;
    }

    private static void requireSameShape(Matrix x, Matrix y, String where) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException(where + ": shapes differ: " + x.shape() + " vs targets " + y.shape());
        }
    }
}
