package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

class ReciprocalTest {
    static final Reciprocal NEWTON = new Reciprocal(Reciprocal.Method.NEWTON, 3, -8, 20);

    /** Denominators spread log-uniformly over the valid range [2^-8, 2^20), with both ends. */
    static double[] denominators(int n) {
        Random r = new Random(7);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.pow(2, -8 + 28 * r.nextDouble());
        }
        d[0] = Math.scalb(1.0, -8);
        d[1] = Math.scalb(1.0, 20) * 0.999;
        d[2] = 1.0;
        d[3] = 0.75;
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void reciprocalOverTheValidRange(BackendCase backend) {
        double[] d = onGrid(denominators(40));
        double[] got = backend.run(a -> a.reveal(NEWTON.apply(a, a.fromPublic(4, 10, d))));
        for (int i = 0; i < d.length; i++) {
            // Relative error (1/17)^8 of Newton; in fixed point the result 2^-e y carries the few ulps of the
            // normalized steps (one per product) scaled by 2^-e <= 2/d, plus the final rounding.
            double want = 1 / d[i];
            double tol = 1e-9 * want + backend.tolerance(4, want) * Math.max(1, 2 * want);
            assertEquals(want, got[i], tol, backend + " 1/d at d=" + d[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void divisionOfRowsIsAccurateInAbsoluteTerms(BackendCase backend) {
        int rows = 40, cols = 3;
        double[] d = onGrid(denominators(rows));
        double[] x = new double[rows * cols];
        Random r = new Random(8);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = Math.floor(d[i] * r.nextDouble() * 8192) / 8192;
            }
        }
        double[] got = backend.run(a -> a.reveal(NEWTON.divideRows(a, a.fromPublic(rows, cols, x),
                a.fromPublic(rows, 1, d))));
        for (int i = 0; i < x.length; i++) {
            double want = x[i] / d[i / cols];
            // Normalized numerators and y stay below 2: a few ulps per product, about 10 products.
            assertEquals(want, got[i], 1e-9 + backend.tolerance(12, want), backend + " x/d at entry " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void zeroRowsBecomeUniformAndTinyReciprocalsStayBounded(BackendCase backend) {
        double[] x = {0, 0, 0, 0, 3, 1, 0, 2};
        double[] d = {0, 6};
        double[] got = backend.run(a -> a.reveal(NEWTON.divideRows(a, a.fromPublic(2, 4, x), a.fromPublic(2, 1, d))));
        double[] want = {0.25, 0.25, 0.25, 0.25, 0.5, 1.0 / 6, 0, 1.0 / 3};
        Backends.assertClose(backend, want, got, 1e-9 + 12 * backend.resolution(), "zero row");
        double[] tiny = {0, Math.scalb(1.0, -10)};
        double[] inv = backend.run(a -> a.reveal(NEWTON.apply(a, a.fromPublic(1, 2, tiny))));
        for (int i = 0; i < tiny.length; i++) {
            double w = 1 / (tiny[i] + Math.scalb(1.0, -8));
            assertEquals(w, inv[i], 1e-9 * w + backend.tolerance(4, w) * 2 * w, backend + " 1/d below the range");
        }
    }

    @Test
    void newtonConvergesAtTheStatedRate() {
        DoubleArithmetic a = new DoubleArithmetic();
        double[] d = denominators(200);
        for (int n = 0; n <= 3; n++) {
            Reciprocal r = new Reciprocal(Reciprocal.Method.NEWTON, n, -8, 20);
            double[] got = a.reveal(r.apply(a, a.fromPublic(1, d.length, d)));
            double bound = Math.pow(1.0 / 17, Math.pow(2, n));
            double worst = 0;
            for (int i = 0; i < d.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] * d[i] - 1));
            }
            assertTrue(worst <= bound * (1 + 1e-6) + 1e-15, n + " iterations: " + worst + " > " + bound);
            assertTrue(n == 3 || worst > bound / 1000, "bound not vacuous at " + n + " iterations: " + worst);
        }
    }

    @Test
    void autoIsExactInDoubleAndRejectsBadSettings() {
        DoubleArithmetic a = new DoubleArithmetic();
        double[] d = {3, 1e9};
        double[] got = a.reveal(Reciprocal.defaults().apply(a, a.fromPublic(1, 2, d)));
        assertEquals(1.0 / 3, got[0], 0.0);
        assertEquals(1e-9, got[1], 1e-24, "exact division has no range limit");
        assertThrows(IllegalArgumentException.class, () -> new Reciprocal(Reciprocal.Method.NEWTON, 11, -8, 20));
        assertThrows(IllegalArgumentException.class, () -> new Reciprocal(Reciprocal.Method.NEWTON, 3, 1, 20));
        assertThrows(IllegalArgumentException.class, () -> new Reciprocal(Reciprocal.Method.NEWTON, 3, -8, 0));
    }

    @Test
    void shiftStepsMakeEveryShiftWithRepresentableFactors() {
        for (int f : new int[] {0, 13, 16}) {
            int[] steps = Reciprocal.shiftSteps(20, f);
            for (int e = 0; e <= 20; e++) {
                int rest = e;
                for (int s : steps) {
                    assertTrue(f == 0 || s <= f, "step " + s + " with f=" + f);
                    rest -= rest >= s ? s : 0;
                }
                assertEquals(0, rest, "shift " + e + " with f=" + f);
            }
        }
    }

    /** Values on the 2^-13 grid (exact on every backend). */
    static double[] onGrid(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(Math.scalb(1.0, -8), Math.rint(Math.scalb(v[i], 13)) / 8192);
        }
        return out;
    }
}
