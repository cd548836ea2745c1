package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.layers.BatchNorm;
import org.twintrain.engine.layers.Conv2d;
import org.twintrain.engine.layers.Dense;
import org.twintrain.engine.layers.Dropout;
import org.twintrain.engine.layers.Embedding;
import org.twintrain.engine.layers.GruCell;
import org.twintrain.engine.layers.LstmCell;
import org.twintrain.engine.layers.PadShortcut;
import org.twintrain.engine.layers.Pool;
import org.twintrain.engine.layers.RecurrentCell;
import org.twintrain.engine.layers.Relu;
import org.twintrain.engine.layers.Residual;
import org.twintrain.engine.layers.Sequential;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Every layer's backward pass against central finite differences of L = sum(forward(x) .* R) in double
 * precision, on small shapes: the input gradient and every trainable parameter's gradient, at sampled entries.
 */
class GradientCheckTest {
    private static final double EPS = 1e-5;
    private final Arithmetic a = new DoubleArithmetic(1);
    private Context ctx = new Context(a, ExactNonlinearities.create());

    private static double[] normal(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private double objective(Layer layer, Matrix x, double[] r) {
        ctx.at(true, 0, 7, 42);
        double[] y = a.reveal(layer.forward(ctx, x));
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * r[i];
        }
        return s;
    }

    private static void assertClose(double analytic, double numeric, String what) {
        double tol = 1e-6 + 1e-4 * Math.max(Math.abs(analytic), Math.abs(numeric));
        assertTrue(Math.abs(analytic - numeric) <= tol, what + ": analytic " + analytic + " vs numeric " + numeric);
    }

    /** Checks dL/dx (when checkInput) and dL/dparam for up to 12 sampled entries each. */
    private void check(Layer layer, int batch, boolean checkInput) {
        SplittableRandom rng = new SplittableRandom(11);
        int in = layer.inputShape().size();
        double[] xv = normal(rng, batch * in);
        Matrix x = a.fromPublic(batch, in, xv);
        double[] r = normal(rng, batch * layer.outputShape().size());
        for (Param p : layer.params()) {
            p.clearGrad();
        }
        ctx.at(true, 0, 7, 42);
        Matrix y = layer.forward(ctx, x);
        assertEquals(batch, y.rows());
        assertEquals(layer.outputShape().size(), y.cols());
        double[] dx = a.reveal(layer.backward(ctx, a.fromPublic(batch, y.cols(), r)));
        int checked = 0;
        if (checkInput) {
            for (int s = 0; s < 12; s++) {
                int i = rng.nextInt(xv.length);
                double[] plus = xv.clone();
                double[] minus = xv.clone();
                plus[i] += EPS;
                minus[i] -= EPS;
                double num = (objective(layer, a.fromPublic(batch, in, plus), r)
                        - objective(layer, a.fromPublic(batch, in, minus), r)) / (2 * EPS);
                assertClose(dx[i], num, layer.name() + " dx[" + i + "]");
                checked++;
            }
        }
        for (Param p : layer.params()) {
            if (!p.trainable()) {
                continue;
            }
            double[] g = a.reveal(p.grad());
            Matrix original = p.value();
            double[] w = a.reveal(original);
            for (int s = 0; s < 12; s++) {
                int i = rng.nextInt(w.length);
                double[] plus = w.clone();
                double[] minus = w.clone();
                plus[i] += EPS;
                minus[i] -= EPS;
                p.set(a.fromPublic(original.rows(), original.cols(), plus));
                double fp = objective(layer, x, r);
                p.set(a.fromPublic(original.rows(), original.cols(), minus));
                double fm = objective(layer, x, r);
                p.set(original);
                assertClose(g[i], (fp - fm) / (2 * EPS), layer.name() + " d" + p.name() + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked > 0, "nothing checked");
    }

    private SplittableRandom init() {
        return new SplittableRandom(3);
    }

    @Test
    void dense() {
        check(new Dense("dense", a, init(), Shape.flat(5), 4, true), 3, true);
    }

    @Test
    void relu() {
        check(new Relu("relu", Shape.flat(7)), 4, true);
    }

    @Test
    void convolutionWithPaddingAndStride() {
        check(new Conv2d("conv", a, init(), new Shape(2, 5, 5), 3, 3, 2, 1, true), 2, true);
        check(new Conv2d("conv1x1", a, init(), new Shape(3, 4, 4), 2, 1, 1, 0, false), 2, true);
    }

    @Test
    void averageAndMaxPooling() {
        check(new Pool("avg", Pool.Kind.AVG, new Shape(2, 4, 4), 2, 2), 2, true);
        check(new Pool("max", Pool.Kind.MAX, new Shape(2, 4, 4), 2, 2), 2, true);
        check(new Pool("max3", Pool.Kind.MAX, new Shape(1, 5, 5), 3, 2), 2, true);
        check(Pool.globalAverage("gap", new Shape(3, 3, 3)), 2, true);
    }

    @Test
    void batchNorm() {
        check(new BatchNorm("bn", a, new Shape(3, 2, 2)), 4, true);
        check(new BatchNorm("bn1d", a, Shape.flat(4)), 5, true);
    }

    @Test
    void residualBlocks() {
        Shape s = new Shape(2, 4, 4);
        Layer main = new Sequential("main", List.of(new Conv2d("c1", a, init(), s, 2, 3, 1, 1, true),
                new Relu("r", s), new Conv2d("c2", a, init(), s, 2, 3, 1, 1, true)));
        check(new Residual("identity", main, null), 2, true);
        Layer down = new Sequential("down", List.of(new Conv2d("c3", a, init(), s, 4, 3, 2, 1, true)));
        check(new Residual("optionA", down, new PadShortcut("pad", s, 4, 2)), 2, true);
        Layer down2 = new Sequential("down2", List.of(new Conv2d("c4", a, init(), s, 4, 3, 2, 1, true)));
        Layer proj = new Sequential("proj", List.of(new Conv2d("c5", a, init(), s, 4, 1, 2, 0, false)));
        check(new Residual("projection", down2, proj), 2, true);
    }

    @Test
    void dropoutUsesItsSeededMask() {
        check(new Dropout("drop", Shape.flat(10), 0.3), 3, true);
    }

    @Test
    void lstmAndGruUnrolled() {
        check(new Unrolled(new LstmCell("lstm", a, init(), 3, 4), 3, 3), 2, true);
        check(new Unrolled(new GruCell("gru", a, init(), 3, 4), 3, 3), 2, true);
    }

    @Test
    void recurrentCellsWithTheConfiguredApproximations() {
        ctx = new Context(a, Approx.defaults()); // pwl:3 tanh, sigmoid from pwl:4 e^x
        check(new Unrolled(new LstmCell("lstmPwl", a, init(), 3, 4), 3, 3), 2, true);
        check(new Unrolled(new GruCell("gruPwl", a, init(), 3, 4), 3, 3), 2, true);
    }

    @Test
    void embeddingByIdsAndByOneHot() {
        Embedding e = new Embedding("emb", a, init(), 6, 3);
        int[] ids = {1, 4, 4, 0};
        check(new EmbeddingIds(e, ids), ids.length, false);
        check(new EmbeddingOneHot(new Embedding("emb1h", a, init(), 6, 3)), 4, false);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"reference", "exact", "pwl:4", "taylor:2"})
    void softmaxCrossEntropyGradient(String exp) {
        SoftmaxLoss sm = exp.equals("reference") ? ExactNonlinearities.SOFTMAX
                : Nonlinearities.from(org.twintrain.approx.ApproxConfig.parse(java.util.Map.of("exp", exp))).softmax();
        SplittableRandom rng = new SplittableRandom(5);
        double[] l = normal(rng, 12);
        double[] y = new double[12];
        for (int r = 0; r < 3; r++) {
            y[r * 4 + rng.nextInt(4)] = 1;
        }
        Matrix logits = a.fromPublic(3, 4, l);
        Matrix oneHot = a.fromPublic(3, 4, y);
        double[] g = a.reveal(sm.gradient(a, logits, sm.forward(a, logits), oneHot));
        for (int i = 0; i < l.length; i++) {
            double[] plus = l.clone();
            double[] minus = l.clone();
            plus[i] += EPS;
            minus[i] -= EPS;
            double fp = sum(sm.loss(a, sm.forward(a, a.fromPublic(3, 4, plus)), oneHot));
            double fm = sum(sm.loss(a, sm.forward(a, a.fromPublic(3, 4, minus)), oneHot));
            assertClose(g[i], (fp - fm) / (2 * EPS), "softmax dlogits[" + i + "]");
        }
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    /** A recurrent cell unrolled over T steps as a layer: input T*D columns, output the T hidden states. */
    static final class Unrolled implements Layer {
        private final RecurrentCell cell;
        private final int steps;
        private final int in;

        Unrolled(RecurrentCell cell, int in, int steps) {
            this.cell = cell;
            this.in = in;
            this.steps = steps;
        }

        public String name() {
            return "unrolled";
        }

        public Shape inputShape() {
            return Shape.flat(in * steps);
        }

        public Shape outputShape() {
            return Shape.flat(cell.hidden() * steps);
        }

        public Matrix forward(Context c, Matrix x) {
            Arithmetic ar = c.arith();
            cell.reset();
            Matrix[] state = cell.zeroState(c, x.rows());
            Matrix[] hs = new Matrix[steps];
            for (int t = 0; t < steps; t++) {
                state = cell.step(c, t, ar.columns(x, t * in, (t + 1) * in), state);
                hs[t] = state[0];
            }
            return ar.concatColumns(hs);
        }

        public Matrix backward(Context c, Matrix dy) {
            Arithmetic ar = c.arith();
            int h = cell.hidden();
            Matrix[] dState = null;
            Matrix[] dx = new Matrix[steps];
            for (int t = steps - 1; t >= 0; t--) {
                Matrix dh = ar.columns(dy, t * h, (t + 1) * h);
                Matrix[] ds;
                if (dState == null) {
                    Matrix[] zero = cell.zeroState(c, dy.rows());
                    zero[0] = dh;
                    ds = zero;
                } else {
                    ds = dState.clone();
                    ds[0] = ar.add(ds[0], dh);
                }
                Matrix[] back = cell.backStep(c, t, ds);
                dx[t] = back[0];
                dState = java.util.Arrays.copyOfRange(back, 1, back.length);
            }
            return ar.concatColumns(dx);
        }

        public List<Param> params() {
            return cell.params();
        }
    }

    /** Embedding of fixed public ids (the layer input is ignored; only the table is checked). */
    static final class EmbeddingIds implements Layer {
        private final Embedding e;
        private final int[] ids;

        EmbeddingIds(Embedding e, int[] ids) {
            this.e = e;
            this.ids = ids;
        }

        public String name() {
            return "embeddingIds";
        }

        public Shape inputShape() {
            return Shape.flat(1);
        }

        public Shape outputShape() {
            return Shape.flat(e.dim());
        }

        public Matrix forward(Context c, Matrix x) {
            return e.forwardIds(c, ids);
        }

        public Matrix backward(Context c, Matrix dy) {
            e.backwardIds(c, ids, dy);
            return c.arith().zeros(ids.length, 1);
        }

        public List<Param> params() {
            return e.params();
        }
    }

    /** Embedding of fixed one-hot rows. */
    static final class EmbeddingOneHot implements Layer {
        private final Embedding e;
        private Matrix oneHot;

        EmbeddingOneHot(Embedding e) {
            this.e = e;
        }

        public String name() {
            return "embeddingOneHot";
        }

        public Shape inputShape() {
            return Shape.flat(1);
        }

        public Shape outputShape() {
            return Shape.flat(e.dim());
        }

        public Matrix forward(Context c, Matrix x) {
            double[] v = new double[x.rows() * 6];
            for (int r = 0; r < x.rows(); r++) {
                v[r * 6 + (r * 5) % 6] = 1;
            }
            oneHot = c.arith().fromPublic(x.rows(), 6, v);
            return e.forward(c, oneHot);
        }

        public Matrix backward(Context c, Matrix dy) {
            e.backward(c, oneHot, dy);
            return c.arith().zeros(dy.rows(), 1);
        }

        public List<Param> params() {
            return e.params();
        }
    }
}
