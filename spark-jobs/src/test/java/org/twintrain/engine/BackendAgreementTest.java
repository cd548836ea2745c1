package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.FloatArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * The same tiny model, same seed and data, trained a few steps in double, in fixed point (f = 16) and on two
 * parties (f = 16, wrap-free truncation): the weights agree within the fixed-point tolerance, and a repeated run
 * on one backend is bit-identical. The runs are short on purpose: once a pre-activation lies within a few ulps
 * of zero, the backends may take different ReLU (or max) decisions and their trajectories then separate by
 * design, e.g. at step 3-4 of the MLP below one weight column moves by 7e-4 to 1.3e-3 in fixed point.
 */
class BackendAgreementTest {
    private static final int F = 16;

    /** Trains, evaluates (in several batches) and returns all weights, revealed, in parameter order. */
    private static double[] train(Arithmetic a, String model, Shape shape, double width, int depth, int steps) {
        return train(a, model, shape, width, depth, steps, false);
    }

    private static double[] train(Arithmetic a, String model, Shape shape, double width, int depth, int steps,
            boolean batchNorm) {
        Dataset data = Synthetic.templates(shape, 3, 64, 0.5, 1, 2);
        Classifier c = Models.build(model, a, 9, shape, 3, width, depth, batchNorm);
        Trainer t = new Trainer(new Context(a, Approx.defaults()), c, new Sgd(0.9, 1e-3,
                StepSchedule.constant(0.05)), new Trainer.Config(8, 4, 0));
        t.run(data, steps, null);
        Trainer.Evaluation ev = t.evaluate(data, 16);
        assertEquals(64, ev.examples());
        assertTrue(ev.accuracy() >= 0 && ev.accuracy() <= 1 && ev.meanLoss() > 0, "evaluation: " + ev);
        int n = 0;
        for (Param p : c.params()) {
            n += p.value().size();
        }
        double[] w = new double[n];
        int off = 0;
        for (Param p : c.params()) {
            double[] v = a.reveal(p.value());
            System.arraycopy(v, 0, w, off, v.length);
            off += v.length;
        }
        return w;
    }

    private static double maxDiff(double[] x, double[] y) {
        assertEquals(x.length, y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"secureml, 1, 12, 0.125, 2, 2", "cnn, 1, 6, 0.25, 1, 3"})
    void doubleFixedAndTwoPartyAgree(String model, int channels, int side, double width, int depth, int steps) {
        Shape shape = new Shape(channels, side, side);
        double[] d = train(new DoubleArithmetic(1), model, shape, width, depth, steps);
        double[] fixed = train(new FixedPointArithmetic(F), model, shape, width, depth, steps);
        TwoPartyRunner runner = new TwoPartyRunner(new FixedPoint(F), TruncationMode.WRAP_FREE,
                "engine-agreement".getBytes(StandardCharsets.UTF_8));
        TwoPartyRunner.Result<double[]> two = runner.run(a -> train(a, model, shape, width, depth, steps));
        assertArrayEquals(two.party0(), two.party1(), "both parties reveal the same weights");
        // f = 16: an ulp is 1.5e-5; a few SGD steps accumulate some tens of ulps of truncation error
        double tolerance = 64 * Math.scalb(1.0, -F);
        double fixedVsDouble = maxDiff(d, fixed);
        double twoVsDouble = maxDiff(d, two.party0());
        double twoVsFixed = maxDiff(fixed, two.party0());
        System.out.printf("%s: max weight difference fixed-double %.3g, two-party-double %.3g, two-party-fixed %.3g (tolerance %.3g)%n",
                model, fixedVsDouble, twoVsDouble, twoVsFixed, tolerance);
        assertTrue(fixedVsDouble <= tolerance, "fixed vs double: " + fixedVsDouble);
        assertTrue(twoVsDouble <= tolerance, "two-party vs double: " + twoVsDouble);
        assertTrue(twoVsFixed <= tolerance, "two-party vs fixed: " + twoVsFixed);
        double moved = maxDiff(d, train(new DoubleArithmetic(1), model, shape, width, depth, 0));
        assertTrue(moved > 10 * tolerance, "training must move the weights well beyond the tolerance: " + moved);
    }

    /**
     * float32 against double, same models, seed and data, a few more steps (including batch norm and residual
     * blocks): float keeps about 7 significant digits; after these steps the weights (of order 0.1-1) agreed to
     * 0.9-2.0e-7 (MLP, CNN, ResNet with batch norm). The tolerance, 2^-18 (3.8e-6), is about 20 float ulps of a
     * weight near 1 and far below how far training moves them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"secureml, 1, 12, 0.125, 2, 4, false", "cnn, 1, 6, 0.25, 1, 4, false", "resnet, 3, 8, 0.25, 8, 3, true"})
    void floatAgreesWithDouble(String model, int channels, int side, double width, int depth, int steps, boolean bn) {
        Shape shape = new Shape(channels, side, side);
        double[] d = train(new DoubleArithmetic(2), model, shape, width, depth, steps, bn);
        double[] f = train(new FloatArithmetic(2), model, shape, width, depth, steps, bn);
        double tolerance = Math.scalb(1.0, -18);
        double floatVsDouble = maxDiff(d, f);
        System.out.printf("%s: max weight difference float-double %.3g (tolerance %.3g)%n", model, floatVsDouble, tolerance);
        assertTrue(floatVsDouble <= tolerance, "float vs double: " + floatVsDouble);
        double moved = maxDiff(d, train(new DoubleArithmetic(2), model, shape, width, depth, 0, bn));
        assertTrue(moved > 100 * tolerance, "training must move the weights well beyond the tolerance: " + moved);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"double", "fixed", "float"})
    void repeatsBitForBit(String backend) {
        Shape shape = new Shape(1, 6, 6);
        double[] first = train(backend(backend), "cnn", shape, 0.25, 1, 5);
        double[] second = train(backend(backend), "cnn", shape, 0.25, 1, 5);
        assertArrayEquals(first, second);
    }

    private static Arithmetic backend(String name) {
        return switch (name) {
            case "double" -> new DoubleArithmetic(2);
            case "float" -> new FloatArithmetic(2);
            default -> new FixedPointArithmetic(F);
        };
    }
}
