package org.twintrain.engine.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Activation;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * LSTM: [i f g o] = [x h] W + b; i, f, o = sigmoid; g = tanh; c' = f*c + i*g; h' = o*tanh(c'). The forget
 * bias starts at 1. Sigmoid and tanh (and their derivatives) are the configured approximations.
 */
public final class LstmCell implements RecurrentCell {
    private final String name;
    private final int in;
    private final int hidden;
    private final Param weight;
    private final Param bias;
    private final List<Matrix[]> caches = new ArrayList<>();

    public LstmCell(String name, Arithmetic a, SplittableRandom rng, int in, int hidden) {
        this.name = name;
        this.in = in;
        this.hidden = hidden;
        this.weight = new Param(name + ".w", Init.uniform(a, rng, in + hidden, 4 * hidden, hidden), true);
        double[] b = new double[4 * hidden];
        for (int j = hidden; j < 2 * hidden; j++) {
            b[j] = 1.0;
        }
        this.bias = new Param(name + ".b", a.fromPublic(1, 4 * hidden, b), true);
    }

    @Override
    public int hidden() {
        return hidden;
    }

    @Override
    public Matrix[] zeroState(Context ctx, int batch) {
        return new Matrix[] {ctx.arith().zeros(batch, hidden), ctx.arith().zeros(batch, hidden)};
    }

    @Override
    public Matrix[] step(Context ctx, int t, Matrix x, Matrix[] state) {
        Arithmetic a = ctx.arith();
        Activation sig = ctx.nonlinearities().sigmoid();
        Activation tanh = ctx.nonlinearities().tanh();
        ctx.scope(name + ".t" + t + ".fwd");
        Matrix xh = a.concatColumns(x, state[0]);
        Matrix z = a.addRow(a.matmul(xh, weight.value()), bias.value());
        Matrix zifo = a.concatColumns(a.columns(z, 0, 2 * hidden), a.columns(z, 3 * hidden, 4 * hidden));
        Matrix zg = a.columns(z, 2 * hidden, 3 * hidden);
        Matrix ifo = sig.apply(a, zifo);
        Matrix g = tanh.apply(a, zg);
        Matrix i = a.columns(ifo, 0, hidden);
        Matrix f = a.columns(ifo, hidden, 2 * hidden);
        Matrix o = a.columns(ifo, 2 * hidden, 3 * hidden);
        Matrix[] fc = a.mulBatch(new Matrix[] {f, i}, new Matrix[] {state[1], g});
        Matrix c = a.add(fc[0], fc[1]);
        Matrix tc = tanh.apply(a, c);
        Matrix h = a.mul(o, tc);
        while (caches.size() <= t) {
            caches.add(null);
        }
        caches.set(t, new Matrix[] {xh, zifo, zg, i, f, o, g, state[1], c, tc});
        return new Matrix[] {h, c};
    }

    @Override
    public Matrix[] backStep(Context ctx, int t, Matrix[] dState) {
        Arithmetic a = ctx.arith();
        Activation sig = ctx.nonlinearities().sigmoid();
        Activation tanh = ctx.nonlinearities().tanh();
        ctx.scope(name + ".t" + t + ".bwd");
        Matrix[] k = caches.get(t);
        Matrix xh = k[0], zifo = k[1], zg = k[2], i = k[3], f = k[4], o = k[5], g = k[6], cPrev = k[7], c = k[8];
        Matrix tc = k[9];
        Matrix dh = dState[0];
        Matrix[] p1 = a.mulBatch(new Matrix[] {dh, dh}, new Matrix[] {tc, o});
        Matrix dO = p1[0];
        Matrix dc = a.add(dState[1], a.mul(p1[1], tanh.derivative(a, c)));
        Matrix[] p2 = a.mulBatch(new Matrix[] {dc, dc, dc, dc}, new Matrix[] {g, i, cPrev, f});
        Matrix dI = p2[0], dG = p2[1], dF = p2[2], dcPrev = p2[3];
        Matrix dzifo = a.mul(a.concatColumns(dI, dF, dO), sig.derivative(a, zifo));
        Matrix dzg = a.mul(dG, tanh.derivative(a, zg));
        Matrix dz = a.concatColumns(a.columns(dzifo, 0, 2 * hidden), dzg, a.columns(dzifo, 2 * hidden, 3 * hidden));
        weight.accumulate(a, a.matmulTransposeA(xh, dz));
        bias.accumulate(a, a.sumRows(dz));
        Matrix dxh = a.matmulTransposeB(dz, weight.value());
        caches.set(t, null);
        return new Matrix[] {a.columns(dxh, 0, in), a.columns(dxh, in, in + hidden), dcPrev};
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void reset() {
        caches.clear();
    }
}
