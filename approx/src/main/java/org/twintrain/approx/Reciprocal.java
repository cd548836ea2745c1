package org.twintrain.approx;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * 1/d and row-wise division x / d for positive secret d, the normalization of {@link Softmax}. Newton-Raphson
 * from a start that adapts to the magnitude of d, with the power of two found by comparisons against public
 * thresholds (the approach of FRESCO's {@code Reciprocal} and of Goldschmidt/Newton division in hardware;
 * CrypTen instead starts from 3 e^(0.5-x) + 0.003, which only suits d of order 1).
 *
 * <h2>Algorithm (per row; d is rows x 1)</h2>
 * <ol>
 *   <li>Magnitude: c_i = [d < 2^(lo+i)] for i = 0 .. J-1, J = hi - lo, all in one {@link
 *       Arithmetic#atLeast} call (on two parties one opening of d and one comparison key per row). The exponent E = #{i : c_i = 0}
 *       puts d in [2^(lo+E-1), 2^(lo+E)). Every function of E used below is a public linear combination of the
 *       c_i (bracket indicators are c_k - c_(k-1)): no products.</li>
 *   <li>Normalization: d_n = d 2^-e with e = lo + E, so d_n is in [0.5, 1); the numerators are shifted by the
 *       same 2^-e. When the ring has room (hi + 2f &lt;= 60, as for the defaults at f = 16) and products of up to
 *       2^(hi + 2f) truncate safely (not with SecureML's local truncation), one product by the
 *       row's 2^(hi - e) (an integer, so an exact combination of the c_i) and one {@link Arithmetic#shiftDown} by
 *       hi bits: 3 rounds on two parties. Otherwise the factor 2^-e is applied in steps of public sizes s (8, 4, 2, 1 and enough
 *       copies of the largest power of two not above f, so that 2^-s is representable): for each step one
 *       product with the secret factor 2^(-s sign(e)) where the step is part of |e|, 1 elsewhere (again a
 *       public combination of the c_i, whose non-integer parts for all steps take one truncation). That is about log2(max(hi, -lo)) product rounds (5 by default), and
 *       intermediate values never exceed max(d, 1), which keeps products small (see the range below).</li>
 *   <li>Newton: y0 = 48/17 - 32/17 d_n (relative error at most 1/17 on [0.5, 1]), then y = y (2 - d_n y),
 *       {@code iterations} times (two product rounds each); the relative error after n iterations is at most
 *       (1/17)^(2^n): 3.5e-3, 1.2e-5, 1.4e-10 for n = 1, 2, 3. Default auto: the fewest that reach 2^-f
 *       ({@link #iterationsFor}: 2 at f = 16).</li>
 *   <li>Result: x / d = (x 2^-e) y, one more product round; 1 / d = 2^-e y.</li>
 * </ol>
 *
 * <h2>Valid range and the zero case</h2>
 * d in [2^lo, 2^hi), default [2^-8, 2^20), for which the result is accurate to the relative error above plus
 * a few units of 2^-f. In fixed point with f fractional bits products must stay below 2^(63-2f), so d and the
 * numerators must stay below 2^(62-2f) (2^30 for f = 16; a smaller hi is safer with SecureML's local
 * truncation, whose failure rate grows with the magnitude). Above 2^hi the normalized value exceeds 1 and
 * Newton diverges once it passes 2.5 (d beyond about 2.5 * 2^hi): such inputs are outside the contract.
 *
 * <p>Below 2^lo, in particular d = 0 (every numerator of a {@code relu} softmax row is 0), the result is
 * defined instead of dividing by zero: a row with d &lt; 2^lo is computed as (x_j + 1) / (d + c) for its c
 * numerators, so an all-zero row gives the uniform 1/c, and a standalone 1/d gives 1/(d + 2^lo), at most
 * 2^-lo. The test d &lt; 2^lo is the first of the magnitude comparisons, so this costs no extra round.
 *
 * <p>{@link Method#EXACT} divides in double precision through {@link Arithmetic#applyCleartext} (cleartext
 * backends only, with the same zero case); {@link Method#AUTO}, the default, is exact on the double backend
 * (the floating-point study, like the paper's) and Newton on fixed point and two parties, so that the
 * fixed-point emulation reproduces the secure run.
 */
public final class Reciprocal {
    public static final int DEFAULT_MIN_EXPONENT = -8;
    public static final int DEFAULT_MAX_EXPONENT = 20;

    /** How to divide. */
    public enum Method {
        AUTO, NEWTON, EXACT
    }

    private final Method method;
    private final int iterations;
    private final int lo;
    private final int hi;

    /** Newton iterations chosen by the backend's precision ({@link #iterationsFor}). */
    public static final int AUTO_ITERATIONS = -1;

    /**
     * @param iterations  Newton iterations, 0..10, or {@link #AUTO_ITERATIONS}
     * @param minExponent lo of the valid range [2^lo, 2^hi), -30..0
     * @param maxExponent hi, 1..40
     */
    public Reciprocal(Method method, int iterations, int minExponent, int maxExponent) {
        if ((iterations < 0 && iterations != AUTO_ITERATIONS) || iterations > 10) {
            throw new IllegalArgumentException("reciprocal.iterations must be auto or in 0..10, got " + iterations);
        }
        if (minExponent < -30 || minExponent > 0) {
            throw new IllegalArgumentException("reciprocal.min-exponent must be in -30..0, got " + minExponent);
        }
        if (maxExponent < 1 || maxExponent > 40) {
            throw new IllegalArgumentException("reciprocal.max-exponent must be in 1..40, got " + maxExponent);
        }
        this.method = method;
        this.iterations = iterations;
        this.lo = minExponent;
        this.hi = maxExponent;
    }

    public static Reciprocal defaults() {
        return new Reciprocal(Method.AUTO, AUTO_ITERATIONS, DEFAULT_MIN_EXPONENT, DEFAULT_MAX_EXPONENT);
    }

    public Method method() {
        return method;
    }

    /** The configured iterations, or {@link #AUTO_ITERATIONS}. */
    public int iterations() {
        return iterations;
    }

    /**
     * The iterations used with f fractional bits: the configured number, or under auto the fewest whose relative
     * error bound (1/17)^(2^n) is at most one unit 2^-f (2 for f = 13..16, 3 for f = 17..31), and 3 in floating point
     * (f = 0). Each iteration is two product rounds on two parties, so more than that costs rounds for no accuracy.
     */
    public int iterationsFor(int fractionalBits) {
        if (iterations != AUTO_ITERATIONS) {
            return iterations;
        }
        if (fractionalBits == 0) {
            return 3;
        }
        int n = 0;
        while (Math.pow(1.0 / 17.0, Math.pow(2, n)) > Math.scalb(1.0, -fractionalBits)) {
            n++;
        }
        return n;
    }

    public int minExponent() {
        return lo;
    }

    public int maxExponent() {
        return hi;
    }

    /** 1/d entrywise for d of any shape (below 2^lo: 1/(d + 2^lo), see the class comment). */
    public Matrix apply(Arithmetic a, Matrix d) {
        Matrix col = a.reshape(d, d.size(), 1);
        Matrix r = divide(a, a.constant(d.size(), 1, 1.0), col, Math.scalb(1.0, lo), 0.0);
        return a.reshape(r, d.rows(), d.cols());
    }

    /**
     * x / d row by row: x is rows x c, d is rows x 1 with d > 0. A row with d &lt; 2^lo (in particular 0) becomes
     * (x_j + 1) / (d + c), uniform 1/c when its numerators are all 0.
     */
    public Matrix divideRows(Arithmetic a, Matrix x, Matrix d) {
        return divideRows(a, x, d, x.cols());
    }

    /**
     * As {@link #divideRows(Arithmetic, Matrix, Matrix)}, but a row with d &lt; 2^lo becomes (x_j + 1) / (d +
     * fallbackCount): for numerators that hold several groups side by side (e.g. values and derivatives) the
     * fallback stays uniform within a group of fallbackCount columns.
     */
    public Matrix divideRows(Arithmetic a, Matrix x, Matrix d, int fallbackCount) {
        if (fallbackCount < 1) {
            throw new IllegalArgumentException("divideRows: fallback count must be positive, got " + fallbackCount);
        }
        if (d.cols() != 1 || d.rows() != x.rows()) {
            throw new IllegalArgumentException("divideRows: denominators " + d.shape() + " do not fit numerators "
                    + x.shape() + " (need rows x 1)");
        }
        return divide(a, x, d, fallbackCount, 1.0);
    }

    /** The core: rows with d &lt; 2^lo get d + denShift and x + numShift (both public). */
    private Matrix divide(Arithmetic a, Matrix x, Matrix d, double denShift, double numShift) {
        int rows = d.rows(), cols = x.cols(), count = hi - lo;
        double[] thresholds = new double[count];
        for (int i = 0; i < count; i++) {
            thresholds[i] = Math.scalb(1.0, lo + i);
        }
        Matrix c = a.addPublic(a.neg(a.atLeast(d, thresholds)), 1.0); // c_i = [d < 2^(lo+i)]
        Matrix tiny = a.columns(c, 0, 1);
        Matrix d1 = a.add(d, times(a, tiny, denShift));
        Matrix x1 = numShift == 0 ? x : a.add(x, times(a, broadcast(a, tiny, cols), numShift));
        if (exact(a)) {
            return a.mul(x1, broadcast(a, a.applyCleartext(d1, v -> 1.0 / v), cols));
        }
        // E' = E except for tiny rows, which move to the bracket of denShift.
        int tinyBracket = bracket(denShift);
        int[] exponentOf = new int[count + 1];
        for (int k = 0; k <= count; k++) {
            exponentOf[k] = lo + (k == 0 ? tinyBracket : k);
        }
        Matrix w = a.concatColumns(d1, x1);
        int top = Integer.MIN_VALUE, bottom = Integer.MAX_VALUE;
        for (int e : exponentOf) {
            top = Math.max(top, e);
            bottom = Math.min(bottom, e);
        }
        int f = a.fractionalBits();
        if (f > 0 && top + 2 * f <= 60 && top - bottom + f <= 60 && a.truncatesLargeProductsSafely()) {
            // One product by the row's 2^(top - e), an exact integer combination of the c_i, and one shift down by
            // top bits: 3 rounds on two parties. The product stays below 2^(top + 2f) in the ring.
            long[] multiple = new long[count + 1];
            for (int k = 0; k <= count; k++) {
                multiple[k] = 1L << (top - exponentOf[k]);
            }
            w = a.shiftDown(a.mul(w, broadcast(a, bracketSum(a, c, multiple), cols + 1)), top);
            return newton(a, w, cols);
        }
        // Otherwise (large f or range) in steps of public sizes, each one product (2 rounds on two parties).
        int[] steps = shiftSteps(Math.max(hi, -lo), a.fractionalBits());
        int[] remaining = new int[count + 1];
        for (int k = 0; k <= count; k++) {
            remaining[k] = Math.abs(exponentOf[k]);
        }
        // Per step: indicators of "this step shifts down" / "shifts up", exact integer combinations of the c_i;
        // the non-integer factors 2^-s - 1 of all steps then go through one mulPublic (one truncation).
        Matrix[] down = new Matrix[steps.length], up = new Matrix[steps.length];
        double[] downFactor = new double[rows * steps.length];
        for (int j = 0; j < steps.length; j++) {
            int s = steps[j];
            boolean[] isDown = new boolean[count + 1], isUp = new boolean[count + 1];
            for (int k = 0; k <= count; k++) {
                boolean on = remaining[k] >= s;
                isDown[k] = on && exponentOf[k] > 0;
                isUp[k] = on && exponentOf[k] < 0;
                remaining[k] -= on ? s : 0;
            }
            down[j] = bracketIndicator(a, c, isDown);
            up[j] = bracketIndicator(a, c, isUp);
            for (int r = 0; r < rows; r++) {
                downFactor[r * steps.length + j] = Math.scalb(1.0, -s) - 1;
            }
        }
        Matrix downTerms = a.mulPublic(a.concatColumns(down), downFactor);
        for (int j = 0; j < steps.length; j++) {
            // factor = 1 + (2^-s - 1) [down] + (2^s - 1) [up]: 2^-s, 2^s or 1.
            Matrix factor = a.addPublic(a.add(a.columns(downTerms, j, j + 1),
                    a.scaleInteger(up[j], (1L << steps[j]) - 1)), 1.0);
            w = a.mul(w, broadcast(a, factor, cols + 1));
        }
        return newton(a, w, cols);
    }

    /** Newton on the normalized denominator (column 0 of w), then the product with the normalized numerators. */
    private Matrix newton(Arithmetic a, Matrix w, int cols) {
        Matrix dn = a.columns(w, 0, 1);
        Matrix y = a.addPublic(a.scale(dn, -32.0 / 17.0), 48.0 / 17.0);
        for (int i = 0, n = iterationsFor(a.fractionalBits()); i < n; i++) {
            y = a.mul(y, a.addPublic(a.neg(a.mul(dn, y)), 2.0));
        }
        return a.mul(a.columns(w, 1, cols + 1), broadcast(a, y, cols));
    }

    /**
     * The shift sizes applied one after another, descending, so that a greedy choice among them makes any shift
     * up to max: copies of the largest power of two not above f (a factor 2^-s must be representable with f
     * fractional bits), then the smaller powers of two.
     */
    static int[] shiftSteps(int max, int fractionalBits) {
        int cap = Integer.highestOneBit(fractionalBits == 0 ? 32 : fractionalBits);
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < max / cap; i++) {
            out.add(cap);
        }
        for (int s = cap / 2; s >= 1; s /= 2) {
            out.add(s);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * sum of B_k over the brackets k in the set, for the bracket indicators B_k = c_k - c_(k-1) (c_(-1) = 0, c_J =
     * 1), rewritten as w_J + sum_i c_i (w_i - w_(i+1)) with w_k = [k in set]: integer coefficients, so no
     * truncation.
     */
    private static Matrix bracketIndicator(Arithmetic a, Matrix c, boolean[] set) {
        long[] weights = new long[set.length];
        for (int k = 0; k < set.length; k++) {
            weights[k] = set[k] ? 1 : 0;
        }
        return bracketSum(a, c, weights);
    }

    /** sum of B_k w_k over all brackets k for public integer weights w_k: w_J + sum_i c_i (w_i - w_(i+1)), exact. */
    private static Matrix bracketSum(Arithmetic a, Matrix c, long[] weights) {
        int count = c.cols();
        Matrix acc = a.zeros(c.rows(), 1);
        for (int i = 0; i < count; i++) {
            long coeff = weights[i] - weights[i + 1];
            if (coeff != 0) {
                acc = a.add(acc, a.scaleInteger(a.columns(c, i, i + 1), coeff));
            }
        }
        return weights[count] != 0 ? a.addPublic(acc, weights[count]) : acc;
    }

    /** The bracket k with 2^(lo+k-1) &lt;= v &lt; 2^(lo+k) of a public v >= 2^lo. */
    private int bracket(double v) {
        int k = 0;
        while (k < hi - lo && v >= Math.scalb(1.0, lo + k)) {
            k++;
        }
        return k;
    }

    private boolean exact(Arithmetic a) {
        boolean exact = method == Method.EXACT || (method == Method.AUTO && a.fractionalBits() == 0);
        if (exact && !a.isCleartext()) {
            throw new UnsupportedOperationException("reciprocal = exact needs a cleartext backend, not " + a.name());
        }
        return exact;
    }

    /** m times a public c: exact for integers. */
    private static Matrix times(Arithmetic a, Matrix m, double c) {
        return c == Math.rint(c) ? a.scaleInteger(m, (long) c) : a.scale(m, c);
    }

    /** A rows x 1 column repeated into rows x cols (a local gather). */
    static Matrix broadcast(Arithmetic a, Matrix column, int cols) {
        if (cols == 1) {
            return column;
        }
        int rows = column.rows();
        int[] index = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(index, r * cols, (r + 1) * cols, r);
        }
        return a.gather(column, rows, cols, index);
    }
}
