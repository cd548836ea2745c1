package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.twintrain.sharing.testing.BackendCase;
import org.twintrain.sharing.testing.Backends;

class TanhTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void pwl3ClipsToMinusOneOne(BackendCase backend) {
        double[] x = Backends.randomValues(new Random(5), 40, 3.0);
        x[1] = -1.0;
        x[2] = 1.0;
        TanhApproximation t = ApproxRegistry.tanh("pwl:3");
        double[] got = backend.run(a -> a.reveal(t.apply(a, a.fromPublic(4, 10, x))));
        double[] slope = backend.run(a -> a.reveal(t.derivative(a, a.fromPublic(4, 10, x))));
        for (int i = 0; i < x.length; i++) {
            double want = Math.max(-1, Math.min(1, x[i]));
            // Inputs are on the grid; a correction is one product of a 0/1 bit: at most 1 ulp.
            assertEquals(want, got[i], backend.tolerance(1, want), backend + " pwl:3 at " + x[i]);
            double d = x[i] > -1 && x[i] < 1 ? 1.0 : x[i] == -1 ? 1.0 : x[i] == 1 ? 1.0 : 0.0;
            ExpApproximationTest.assertDerivative(PwlTanh::value, x[i], slope[i], "pwl:3 derivative");
            assertEquals(d, slope[i], 0.0, backend + " pwl:3 derivative at " + x[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.twintrain.sharing.testing.Backends#all")
    void exactIsTanhOnCleartextAndRefusedOnTwoParties(BackendCase backend) {
        double[] x = Backends.randomValues(new Random(6), 20, 4.0);
        TanhApproximation t = ApproxRegistry.tanh("exact");
        if (!backend.isCleartext()) {
            assertThrows(RuntimeException.class, () -> backend.run(a -> a.reveal(t.apply(a, a.fromPublic(2, 10, x)))));
            return;
        }
        double[] got = backend.run(a -> a.reveal(t.apply(a, a.fromPublic(2, 10, x))));
        double[] slope = backend.run(a -> a.reveal(t.derivative(a, a.fromPublic(2, 10, x))));
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.tanh(x[i]), got[i], backend.tolerance(0.5, Math.tanh(x[i])));
            ExpApproximationTest.assertDerivative(Math::tanh, x[i], slope[i], "tanh derivative");
        }
    }
}
