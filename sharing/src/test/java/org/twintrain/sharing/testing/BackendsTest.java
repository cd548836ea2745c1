package org.twintrain.sharing.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.opentest4j.AssertionFailedError;

/** The harness itself: the cases it yields, its inputs, and that its comparisons can fail. */
class BackendsTest {

    @Test
    void yieldsTheCleartextCasesByName() {
        List<String> names = Backends.cleartext().map(BackendCase::name).collect(Collectors.toList());
        assertEquals(List.of("double", "fixed f=16", "fixed f=13"), names);
        assertTrue(Backends.all().count() >= 3);
        assertEquals(Math.scalb(1.0, -13), Backends.fixed().filter(c -> c.name().equals("fixed f=13"))
                .findFirst().orElseThrow().resolution());
    }

    @Test
    void randomValuesAreOnTheGridWithZerosAndNegatives() {
        double[] x = Backends.randomValues(new Random(3), 100, 5.0);
        int negatives = 0;
        for (int i = 0; i < x.length; i++) {
            assertTrue(Math.abs(x[i]) <= 5.0);
            double scaled = Math.scalb(x[i], Backends.GRID_BITS);
            assertEquals(Math.rint(scaled), scaled, "entry " + i + " is not on the grid");
            if (i % 5 == 0) {
                assertEquals(0.0, x[i]);
            }
            negatives += x[i] < 0 ? 1 : 0;
        }
        assertTrue(negatives > 20 && negatives < 60, "negatives: " + negatives);
    }

    /** A body written once: its fixed-point runs stay within a few ulps of its double reference. */
    @Test
    void aBodyRunsOnEveryCleartextCaseAndMatchesItsReference() {
        double[] x = Backends.randomValues(new Random(4), 12, 4.0);
        Function<Arithmetic, double[]> body = a -> {
            Matrix m = a.fromPublic(3, 4, x);
            return a.reveal(a.matmul(a.square(m), a.transpose(m)));
        };
        double[] reference = Backends.reference(body);
        Backends.cleartext().forEach(c -> {
            // square truncates once (1 ulp, times |x| <= 4 summed over 4 terms) and matmul once more.
            Backends.assertClose(c, reference, c.run(body), 17);
        });
        // And the comparison is not vacuous: a coarser backend misses the 1-ulp bound of a finer one.
        BackendCase coarse = Backends.fixed().filter(c -> c.name().equals("fixed f=13")).findFirst().orElseThrow();
        double[] coarseResult = coarse.run(a -> a.reveal(a.scale(a.fromPublic(1, 1, new double[] {1.0}), 1.0 / 3)));
        assertThrows(AssertionFailedError.class,
                () -> Backends.assertClose(coarse, new double[] {1.0 / 3}, coarseResult, 0));
    }

    @Test
    void assertCloseFailsBeyondTheToleranceOnly() {
        BackendCase fixed = Backends.fixed().findFirst().orElseThrow();
        double u = fixed.resolution();
        Backends.assertClose(fixed, new double[] {1.0, -2.0}, new double[] {1.0 - u, -2.0 + u}, 1);
        assertThrows(AssertionFailedError.class,
                () -> Backends.assertClose(fixed, new double[] {1.0}, new double[] {1.0 - 2 * u}, 1));
        BackendCase dbl = Backends.cleartext().findFirst().orElseThrow();
        assertThrows(AssertionFailedError.class,
                () -> Backends.assertClose(dbl, new double[] {1.0}, new double[] {1.0 + 1e-9}, 0));
        assertThrows(AssertionFailedError.class,
                () -> Backends.assertClose(dbl, new double[] {1.0}, new double[] {Double.NaN}, 1e9, "nan"));
    }
}
