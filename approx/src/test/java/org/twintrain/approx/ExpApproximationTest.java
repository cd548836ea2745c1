package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

/** Every e^x approximation on every backend against its direct double formula, and its derivative. */
class ExpApproximationTest {
    /** Inputs: [-RANGE, RANGE], the logit range of the study. */
    static final double RANGE = 6.0;

    static Stream<Arguments> cases() {
        return Backends.all().flatMap(b -> ApproxRegistry.expNames().stream().map(n -> Arguments.of(b, n)));
    }

    static double[] inputs() {
        return Backends.randomValues(new Random(11), 60, RANGE);
    }

    /**
     * The fixed-point error bound of each approximation at x, in units of the backend's resolution u:
     * Taylor's nested Horner form adds at most 2 ulp per step (the product and the x/j), each amplified by the
     * later factors |x|/i, together at most T_k(|x|), so 4(k+1) T_k(|x|); a line s x + b is off by u/2 |x| for
     * the rounded slope, u/2 for the intercept and 1 for the truncation, and each of the ceil(log2 k)
     * selections adds 1; relu is exact; exact rounds once.
     */
    static double ulps(String name, double x) {
        if (name.startsWith("taylor:")) {
            int k = Integer.parseInt(name.substring(7));
            return 4 * (k + 1) * Reference.taylor(Math.abs(x), k);
        }
        if (name.startsWith("pwl:") || name.startsWith("pwlsm:")) {
            int k = Integer.parseInt(name.substring(name.indexOf(':') + 1));
            return 2 + Math.abs(x) + 2 * Math.ceil(Math.log(k) / Math.log(2));
        }
        if (name.startsWith("limit:")) {
            // b = 1 + x/m is off by 1 ulp and each of the n squarings adds 1: relative error about m (1 + n) ulp / b
            int n = Integer.parseInt(name.substring(6));
            double m = Math.pow(2, n), b = Math.max(1.0 / 16, 1 + x / m);
            return 2 + 2 * m * (1 + n) * Math.max(1, Reference.exp(name, x)) / b;
        }
        return 1;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesTheDirectFormula(BackendCase backend, String name) {
        ExpApproximation e = ApproxRegistry.exp(name);
        double[] x = inputs();
        if (e.cleartextOnly() && !backend.isCleartext()) {
            assertThrows(RuntimeException.class, () -> backend.run(a -> a.reveal(e.apply(a, a.fromPublic(6, 10, x)))));
            return;
        }
        double[] got = backend.run(a -> a.reveal(e.apply(a, a.fromPublic(6, 10, x))));
        for (int i = 0; i < x.length; i++) {
            double want = Reference.exp(name, x[i]);
            double tol = backend.tolerance(ulps(name, x[i]), want) + 1e-12 * Math.abs(want);
            assertEquals(want, got[i], tol, backend + " " + name + " at entry " + i);
        }
    }

    /** The derivative on each backend matches the double derivative, which matches finite differences. */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void derivativeMatchesFiniteDifferences(BackendCase backend, String name) {
        ExpApproximation e = ApproxRegistry.exp(name);
        double[] x = inputs();
        if (e.cleartextOnly() && !backend.isCleartext()) {
            assertThrows(RuntimeException.class,
                    () -> backend.run(a -> a.reveal(e.derivative(a, a.fromPublic(6, 10, x)))));
            return;
        }
        double[] reference = Backends.reference(a -> a.reveal(e.derivative(a, a.fromPublic(6, 10, x))));
        for (int i = 0; i < x.length; i++) {
            assertDerivative(v -> Reference.exp(name, v), x[i], reference[i], name);
        }
        double[] got = backend.run(a -> a.reveal(e.derivative(a, a.fromPublic(6, 10, x))));
        double[] both = backend.run(a -> a.reveal(e.applyWithDerivative(a, a.fromPublic(6, 10, x))[1]));
        for (int i = 0; i < x.length; i++) {
            // Derivatives are lower-degree versions of the same computations: the same bound applies.
            double tol = backend.tolerance(ulps(name, x[i]), reference[i]) + 1e-12 * Math.abs(reference[i]);
            // At a kink (within the backend's error of one) either side's slope is right.
            double delta = 64 * backend.resolution() + 1e-9;
            double[] around = {x[i] - delta, x[i] + delta};
            double[] sides = Backends.reference(a -> a.reveal(e.derivative(a, a.fromPublic(1, 2, around))));
            double err = Math.min(Math.abs(reference[i] - got[i]),
                    Math.min(Math.abs(sides[0] - got[i]), Math.abs(sides[1] - got[i])));
            assertTrue(err <= tol, backend + " " + name + " derivative at entry " + i + ": " + got[i] + " vs "
                    + reference[i]);
            assertEquals(got[i], both[i], tol, backend + " " + name + " applyWithDerivative at entry " + i);
        }
    }

    /**
     * d equals the left or the right finite difference of f at x (at a kink of a piecewise function either
     * one-sided slope is a valid choice).
     */
    static void assertDerivative(java.util.function.DoubleUnaryOperator f, double x, double d, String what) {
        double h = 1e-6;
        double fx = f.applyAsDouble(x);
        double right = (f.applyAsDouble(x + h) - fx) / h;
        double left = (fx - f.applyAsDouble(x - h)) / h;
        double tol = 1e-4 * (1 + Math.abs(d));
        assertTrue(Math.abs(d - right) <= tol || Math.abs(d - left) <= tol,
                what + " at " + x + ": derivative " + d + " vs one-sided differences " + left + ", " + right);
    }

    @ParameterizedTest(name = "taylor:{0}")
    @MethodSource("oddDegrees")
    void oddTaylorGoesNegativeBelowItsRootAndIsClipped(int k) {
        // The real root of T_k, by bisection on the direct formula.
        double lo = -10, hi = 0;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (Reference.taylor(mid, k) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double root = lo;
        assertTrue(Reference.taylor(root - 0.5, k) < 0, "T_" + k + " is negative below its root");
        // The roots stated in TaylorExp's Javadoc.
        assertEquals(k == 3 ? -1.596 : k == 5 ? -2.181 : -2.759, root, 1e-3, "root of T_" + k);
        TaylorExp t = new TaylorExp(k);
        Arithmetic a = new DoubleArithmetic();
        double[] x = {root - 2, root - 0.5, root + 0.5};
        double[] unclipped = a.reveal(TaylorExp.polynomial(a, a.fromPublic(1, 3, x), k));
        double[] clipped = a.reveal(t.apply(a, a.fromPublic(1, 3, x)));
        double[] slope = a.reveal(t.derivative(a, a.fromPublic(1, 3, x)));
        assertTrue(unclipped[0] < 0 && unclipped[1] < 0 && unclipped[2] > 0);
        assertEquals(0.0, clipped[0], 0.0);
        assertEquals(0.0, clipped[1], 0.0);
        assertEquals(unclipped[2], clipped[2], 1e-12);
        assertEquals(0.0, slope[0], 0.0);
        assertEquals(Reference.taylor(x[2], k - 1), slope[2], 1e-12);
    }

    static Stream<Integer> oddDegrees() {
        return Stream.of(3, 5, 7);
    }

    @ParameterizedTest(name = "taylor:{0}")
    @MethodSource("evenDegrees")
    void evenTaylorIsPositiveEverywhere(int k) {
        for (double x = -30; x <= 5; x += 0.01) {
            assertTrue(Reference.taylor(x, k) > 0, "T_" + k + " at " + x);
        }
    }

    static Stream<Integer> evenDegrees() {
        return Stream.of(2, 4, 6, 8);
    }

    @org.junit.jupiter.api.Test
    void pwl4IsThePapersFormula() {
        PiecewiseLinearExp p = PiecewiseLinearExp.paper4();
        Arithmetic a = new DoubleArithmetic();
        double[] x = new double[401];
        for (int i = 0; i < x.length; i++) {
            x[i] = -25 + i * 0.125;
        }
        double[] got = a.reveal(p.apply(a, a.fromPublic(1, x.length, x)));
        for (int i = 0; i < x.length; i++) {
            double paper = Math.max(Math.max(0, 0.0077 * x[i] + 0.155), Math.max(x[i] + 1, 7.3891 * x[i] - 7.3891));
            assertEquals(paper, got[i], 1e-12 * (1 + paper), "pwl:4 at " + x[i]);
        }
        assertEquals("pwl:4", ApproxRegistry.exp("pwl:4").name());
        assertEquals(4, p.pieces());
    }
}
