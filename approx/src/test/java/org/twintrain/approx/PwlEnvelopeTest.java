package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;

/** pwl:k evaluated as the upper envelope of its lines equals the maximum of the lines, dominated lines included. */
class PwlEnvelopeTest {

    @Test
    void dominatedAndRepeatedSlopesLeaveTheEnvelope() {
        // 0; x + 1; 0.5x - 3 (never the maximum); 2x; x - 5 (same slope as x + 1, lower)
        double[] s = {0, 1, 0.5, 2, 1}, b = {0, 1, -3, 0, -5};
        assertArrayEquals(new int[] {0, 1, 3}, PiecewiseLinearExp.upperEnvelope(s, b));
        // The order of the input does not matter.
        assertArrayEquals(new int[] {4, 1, 0}, PiecewiseLinearExp.upperEnvelope(new double[] {2, 1, 0.5, 1, 0},
                new double[] {0, 1, -3, -5, 0}));
    }

    @Test
    void theEnvelopeFormulaIsTheMaximumOfTheLinesAndItsSlope() {
        PiecewiseLinearExp p = new PiecewiseLinearExp("test", new double[] {0, 1, 0.5, 2, 1},
                new double[] {0, 1, -3, 0, -5});
        Arithmetic a = new DoubleArithmetic();
        int n = 401;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10 + 0.05 * i + 0.0123; // off the breakpoints -1 and 1
        }
        var out = p.applyWithDerivative(a, a.fromPublic(1, n, x));
        double[] value = a.reveal(out[0]), slope = a.reveal(out[1]);
        for (int i = 0; i < n; i++) {
            assertEquals(p.value(x[i]), value[i], 1e-12, "value at " + x[i]);
            assertEquals(p.slope(x[i]), slope[i], 1e-12, "slope at " + x[i]);
        }
        for (String name : new String[] {"pwl:4", "pwl:5", "pwl:6", "pwl:7", "pwlsm:4"}) {
            PiecewiseLinearExp q = (PiecewiseLinearExp) ApproxRegistry.exp(name);
            assertEquals(q.pieces(), PiecewiseLinearExp.upperEnvelope(q.slopes(), q.intercepts()).length,
                    name + ": every fitted line is the maximum somewhere");
        }
    }
}
