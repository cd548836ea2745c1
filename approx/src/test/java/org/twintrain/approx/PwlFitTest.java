package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PwlFitTest {

    /** The committed table is exactly what the fitting program writes now (regenerate with PwlFit's command). */
    @Test
    void committedTableIsTheProgramsOutput() throws IOException {
        try (InputStream in = PiecewiseLinearExp.class.getResourceAsStream(PiecewiseLinearExp.FITS_RESOURCE)) {
            String committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(PwlFit.table(PwlFit.DEFAULT_LO, PwlFit.DEFAULT_HI), committed);
        }
    }

    @Test
    void fitsBoundExpBelowAndEquioscillate() {
        double previous = 1;
        for (int k : PwlFit.FITTED_PIECES) {
            PwlFit.Fit fit = PwlFit.fit(k, -4, 4);
            PiecewiseLinearExp p = PiecewiseLinearExp.of(k);
            assertEquals(k, p.pieces());
            for (double x = -30; x <= 10; x += 0.001) {
                assertTrue(p.value(x) <= Math.exp(x) * (1 + 1e-12), "pwl:" + k + " above e^x at " + x);
                assertTrue(p.value(x) >= 0);
            }
            double e = fit.maxRelativeError();
            // Equal error at both ends of the range: the minimax condition.
            assertEquals(e, 1 - p.value(-4) / Math.exp(-4), 1e-6);
            assertEquals(e, 1 - p.value(4) / Math.exp(4), 1e-6);
            assertTrue(e < previous, "more pieces, smaller error");
            previous = e;
            // Moving the tangent points together in either direction makes the error worse.
            for (double shift : new double[] {-0.05, 0.05}) {
                double[] t = fit.tangentPoints().clone();
                for (int i = 0; i < t.length; i++) {
                    t[i] += shift;
                }
                PwlFit.Fit moved = new PwlFit.Fit(k, -4, 4, t, Double.NaN);
                assertTrue(PwlFit.maxRelativeError(moved.approximation(), -4, 4) > e);
            }
        }
        double paper = PwlFit.maxRelativeError(PiecewiseLinearExp.paper4(), -4, 4);
        assertTrue(paper > 1, "the paper's pwl:4 overshoots at the left end: " + paper);
    }

    @Test
    void stateTheStatedErrors() {
        assertArrayEquals(new double[] {0.3778, 0.2660, 0.1950}, new double[] {
                round(PwlFit.fit(5, -4, 4).maxRelativeError()), round(PwlFit.fit(6, -4, 4).maxRelativeError()),
                round(PwlFit.fit(7, -4, 4).maxRelativeError())}, 1e-4, "errors stated in PiecewiseLinearExp");
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
