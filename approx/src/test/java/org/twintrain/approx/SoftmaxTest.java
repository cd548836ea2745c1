package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

/** Softmax and sigmoid from every e^x, on every backend, their gradients, and the loss. */
class SoftmaxTest {
    static final int ROWS = 6;
    static final int CLASSES = 10;
    static final double RANGE = 4.0;

    static Stream<Arguments> cases() {
        return Backends.all().flatMap(b -> ApproxRegistry.expNames().stream()
                .filter(n -> b.isCleartext() || !n.equals("exact")).map(n -> Arguments.of(b, n)));
    }

    static Softmax softmax(String exp) {
        return ApproxConfig.parse(Map.of("exp", exp)).softmax();
    }

    static double[] logits() {
        return Backends.randomValues(new Random(21), ROWS * CLASSES, RANGE);
    }

    /**
     * Logits off the kinks: the random grid values have exact zeros, where relu and the symmetric middle tangents
     * of pwl:5 and pwl:7 have kinks and a derivative may take either side's slope.
     */
    static double[] offKinks(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += 0.375;
        }
        return out;
    }

    static double[] oneHot(int seed) {
        Random r = new Random(seed);
        double[] y = new double[ROWS * CLASSES];
        for (int i = 0; i < ROWS; i++) {
            y[i * CLASSES + r.nextInt(CLASSES)] = 1;
        }
        return y;
    }

    /**
     * The fixed-point error of a probability p_k = e_k / S: the numerators' own error (ExpApproximationTest's
     * bound, at most E ulps each) moves p_k by at most (E + p_k sum_j E_j) / S, and the division adds the 12 ulps
     * that ReciprocalTest allows.
     */
    static double probabilityUlps(String exp, double[] row, int k, double[] p) {
        double s = 0, sumE = 0;
        for (int j = 0; j < row.length; j++) {
            s += Reference.exp(exp, row[j]);
            sumE += ExpApproximationTest.ulps(exp, row[j]);
        }
        s = Math.max(s, 1e-300);
        return 12 + (ExpApproximationTest.ulps(exp, row[k]) + p[k] * sumE) / s;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void forwardMatchesTheDirectFormula(BackendCase backend, String exp) {
        double[] x = logits();
        double[] got = backend.run(a -> a.reveal(softmax(exp).forward(a, a.fromPublic(ROWS, CLASSES, x))));
        for (int i = 0; i < ROWS; i++) {
            double[] row = java.util.Arrays.copyOfRange(x, i * CLASSES, (i + 1) * CLASSES);
            double[] want = Reference.softmax(exp, row);
            double sum = 0;
            for (int k = 0; k < CLASSES; k++) {
                double tol = 1e-9 + backend.tolerance(probabilityUlps(exp, row, k, want), want[k]);
                assertEquals(want[k], got[i * CLASSES + k], tol, backend + " " + exp + " p[" + i + "][" + k + "]");
                sum += got[i * CLASSES + k];
            }
            assertEquals(1.0, sum, 1e-9 + CLASSES * 12 * backend.resolution() * 4, "row sums to 1");
        }
    }

    /** Odd Taylor goes negative below its root; softmax clips it at 0 (the paper's fix), never negative. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void oddTaylorIsClippedInsideSoftmax(BackendCase backend) {
        double[] x = {-3.0, 1.0, 0.5, -2.5, -2.0, -3.5};
        assertTrue(Reference.taylor(-3.0, 3) < 0 && Reference.taylor(-2.0, 3) < 0);
        double[] got = backend.run(a -> a.reveal(softmax("taylor:3").forward(a, a.fromPublic(1, 6, x))));
        double t1 = Reference.taylor(1.0, 3), t05 = Reference.taylor(0.5, 3);
        double[] want = {0, t1 / (t1 + t05), t05 / (t1 + t05), 0, 0, 0};
        Backends.assertClose(backend, want, got, 1e-9 + 64 * backend.resolution(), "clipped taylor:3 softmax");
        // A row entirely below the root: all zero numerators, uniform by the reciprocal's zero rule.
        double[] low = {-3.0, -4.0};
        double[] uniform = backend.run(a -> a.reveal(softmax("taylor:3").forward(a, a.fromPublic(1, 2, low))));
        Backends.assertClose(backend, new double[] {0.5, 0.5}, uniform, 1e-9 + 12 * backend.resolution(), "uniform");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void reluRowOfNonPositiveLogitsIsUniform(BackendCase backend) {
        double[] x = {-1, -2, 0, -0.5, 3, -1, 1, 0};
        double[] got = backend.run(a -> a.reveal(softmax("relu").forward(a, a.fromPublic(2, 4, x))));
        double[] want = {0.25, 0.25, 0.25, 0.25, 0.75, 0, 0.25, 0};
        Backends.assertClose(backend, want, got, 1e-9 + 12 * backend.resolution(), "relu softmax");
    }

    /** The true gradient equals the finite-difference gradient of the summed loss in double precision. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unshiftedExpNames")
    void trueGradientMatchesFiniteDifferencesOfTheLoss(String exp) {
        // the shifted approximations' targets fall below the reciprocal's range: ShiftedExpTest checks them
        Softmax s = softmax(exp);
        Arithmetic a = new DoubleArithmetic();
        double[] x = logits();
        double[] y = oneHot(3);
        double[] p = a.reveal(s.forward(a, a.fromPublic(ROWS, CLASSES, x)));
        double[] g = a.reveal(s.crossEntropyGradient(a, a.fromPublic(ROWS, CLASSES, x), a.fromPublic(ROWS, CLASSES, p),
                a.fromPublic(ROWS, CLASSES, y)));
        for (int i = 0; i < x.length; i++) {
            int row = i / CLASSES, at = i;
            java.util.function.DoubleUnaryOperator loss = v -> {
                double[] r = java.util.Arrays.copyOfRange(x, row * CLASSES, (row + 1) * CLASSES);
                r[at % CLASSES] = v;
                double[] q = Reference.softmax(exp, r);
                double pt = 0;
                for (int k = 0; k < CLASSES; k++) {
                    pt += y[row * CLASSES + k] * q[k];
                }
                return -Math.log(pt);
            };
            if (Double.isFinite(loss.applyAsDouble(x[i]))) {
                ExpApproximationTest.assertDerivative(loss, x[i], g[i], exp + " dL/dx");
            }
        }
    }

    /** limit:n and pwlsm:k (exact shifts too, but its gradient is p - y, which these tests cover). */
    static boolean shiftedApproximation(String exp) {
        return Reference.shifted(exp) && !exp.equals("exact");
    }

    static Stream<String> expNames() {
        return ApproxRegistry.expNames().stream();
    }

    /** The approximations that take the logits as they are (limit:n and pwlsm:k shift by the maximum). */
    static Stream<String> unshiftedExpNames() {
        return expNames().filter(n -> !shiftedApproximation(n));
    }

    static Stream<Arguments> unshiftedCases() {
        return cases().filter(c -> !shiftedApproximation((String) c.get()[1]));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("unshiftedCases")
    void gradientOnEachBackendMatchesDouble(BackendCase backend, String exp) {
        // this error model assumes unshifted inputs: ShiftedExpTest checks limit:n and pwlsm:k against their twins
        double[] x = offKinks(logits());
        double[] y = oneHot(4);
        java.util.function.Function<Arithmetic, double[]> body = a -> {
            Softmax s = softmax(exp);
            var l = a.fromPublic(ROWS, CLASSES, x);
            return a.reveal(s.crossEntropyGradient(a, l, s.forward(a, l), a.fromPublic(ROWS, CLASSES, y)));
        };
        double[] want = Backends.reference(body);
        double[] got = backend.run(body);
        ExpApproximation e = ApproxRegistry.exp(exp);
        double[] de = Backends.reference(a -> a.reveal(e.derivative(a, a.fromPublic(ROWS, CLASSES, x))));
        for (int i = 0; i < ROWS; i++) {
            double[] row = java.util.Arrays.copyOfRange(x, i * CLASSES, (i + 1) * CLASSES);
            double s = 0, sumU = 0, t = 0, dt = 0, ut = 0;
            for (int j = 0; j < CLASSES; j++) {
                s += Reference.exp(exp, row[j]);
                sumU += ExpApproximationTest.ulps(exp, row[j]);
                if (y[i * CLASSES + j] == 1) {
                    t = Reference.exp(exp, row[j]);
                    dt = de[i * CLASSES + j];
                    ut = ExpApproximationTest.ulps(exp, row[j]);
                }
            }
            // e'(x_t)/e(x_t) = r: its numerator and denominator carry the exp bound ut (derivatives are lower-
            // degree versions of the same computation), so r is off by (ut + |r| ut) / t, plus the division's 12
            // ulps relative to the normalized quotient.
            double r = t == 0 ? 1 : dt / t;
            double ratioUlps = t == 0 ? 12 : 12 * (1 + Math.abs(r)) + ut * (1 + Math.abs(r)) / t;
            for (int k = 0; k < CLASSES; k++) {
                int at = i * CLASSES + k;
                double q = de[at] / s;
                // e'_k/S as in probabilityUlps, the target's r, and one product y r.
                double ulps = 12 + (ExpApproximationTest.ulps(exp, row[k]) + Math.abs(q) * sumU) / s
                        + y[at] * ratioUlps + 2;
                assertEquals(want[at], got[at], 1e-9 + backend.tolerance(ulps, want[at]),
                        backend + " " + exp + " gradient entry " + at);
            }
        }
    }

    @Test
    void exactGradientIsPMinusYAndSecureMlOptionReturnsPMinusY() {
        Arithmetic a = new DoubleArithmetic();
        double[] x = logits();
        double[] y = oneHot(5);
        for (String exp : new String[] {"exact", "pwl:4"}) {
            Softmax secureml = ApproxConfig.parse(Map.of("exp", exp, "softmax.gradient", "secureml")).softmax();
            var l = a.fromPublic(ROWS, CLASSES, x);
            double[] p = a.reveal(secureml.forward(a, l));
            double[] g = a.reveal(secureml.crossEntropyGradient(a, l, a.fromPublic(ROWS, CLASSES, p),
                    a.fromPublic(ROWS, CLASSES, y)));
            double[] exact = a.reveal(softmax(exp).crossEntropyGradient(a, l, a.fromPublic(ROWS, CLASSES, p),
                    a.fromPublic(ROWS, CLASSES, y)));
            double differs = 0;
            for (int i = 0; i < x.length; i++) {
                assertEquals(p[i] - y[i], g[i], 1e-12);
                differs = Math.max(differs, Math.abs(exact[i] - g[i]));
            }
            // For exact e^x both are p - y; for an approximation the true gradient differs.
            assertTrue(exp.equals("exact") ? differs < 1e-9 : differs > 1e-3, exp + ": " + differs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void lossRevealsTheTargetProbabilityOnly(BackendCase backend) {
        double[] p = {0.25, 0.75, 0.5, 0.5, 1.0, 0.0};
        double[] y = {0, 1, 1, 0, 0, 1};
        double[][] loss = new double[1][];
        backend.run(a -> {
            loss[0] = softmax("pwl:4").crossEntropyLoss(a, a.fromPublic(3, 2, p), a.fromPublic(3, 2, y));
            return new double[0];
        });
        assertEquals(-Math.log(0.75), loss[0][0], 1e-9 + 4 * backend.resolution());
        assertEquals(-Math.log(0.5), loss[0][1], 1e-9 + 4 * backend.resolution());
        double floor = backend.resolution() == 0 ? 1e-12 : backend.resolution();
        assertEquals(-Math.log(floor), loss[0][2], 1e-6, "zero probability gives a finite loss");
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void sigmoidFromEachExp(BackendCase backend, String exp) {
        double[] x = offKinks(Backends.randomValues(new Random(31), 30, 6.0));
        Sigmoid s = ApproxConfig.parse(Map.of("exp", exp)).sigmoid();
        double[] got = backend.run(a -> a.reveal(s.apply(a, a.fromPublic(3, 10, x))));
        double[] slope = backend.run(a -> a.reveal(s.derivative(a, a.fromPublic(3, 10, x))));
        double[] refSlope = Backends.reference(a -> a.reveal(s.derivative(a, a.fromPublic(3, 10, x))));
        java.util.function.DoubleUnaryOperator f = v -> Reference.softmax(exp, new double[] {v / 2, -v / 2})[0];
        for (int i = 0; i < x.length; i++) {
            double want = exp.equals("exact") ? 1 / (1 + Math.exp(-x[i])) : f.applyAsDouble(x[i]);
            assertEquals(want, f.applyAsDouble(x[i]), 1e-12);
            double[] row = {x[i] / 2, -x[i] / 2};
            double tol = 1e-9 + backend.tolerance(probabilityUlps(exp, row, 0, new double[] {want, 1 - want}), want);
            assertEquals(want, got[i], tol, backend + " sigmoid " + exp + " at " + x[i]);
            if (!(exp.equals("relu") && x[i] == 0)) {
                ExpApproximationTest.assertDerivative(f, x[i], refSlope[i], "sigmoid " + exp + " derivative");
            }
            // d = (g0 s1 + s0 g1) / 2 with s, g = e/D, e'/D each within the probability bound P: about
            // P (1 + |g0| + |g1|) + 2 ulps.
            double d = Reference.exp(exp, x[i] / 2) + Reference.exp(exp, -x[i] / 2);
            double g = d == 0 ? 1 : (Math.abs(derivativeOf(exp, x[i] / 2)) + Math.abs(derivativeOf(exp, -x[i] / 2))) / d;
            double ulps = probabilityUlps(exp, row, 0, new double[] {want, 1 - want}) * (1 + g) + 2;
            assertEquals(refSlope[i], slope[i], 1e-9 + backend.tolerance(ulps, refSlope[i]),
                    backend + " sigmoid " + exp + " derivative at " + x[i]);
        }
    }

    /** The double derivative of the named approximation at v (validated against finite differences elsewhere). */
    static double derivativeOf(String exp, double v) {
        return Backends.reference(a -> a.reveal(ApproxRegistry.exp(exp).derivative(a, a.fromPublic(1, 1,
                new double[] {v}))))[0];
    }

    @Test
    void exactSoftmaxSurvivesLargeLogitsInFixedPoint() {
        Arithmetic a = new FixedPointArithmetic(16);
        double[] x = {200, 190, -50};
        double[] p = a.reveal(softmax("exact").forward(a, a.fromPublic(1, 3, x)));
        assertEquals(1 / (1 + Math.exp(-10)), p[0], 1e-4);
        assertEquals(0.0, p[2], 1e-4);
    }
}
