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
 * GRU: [z r] = sigmoid([x h] Wzr + bzr); n = tanh([x, r*h] Wn + bn); h' = n + z*(h - n). Sigmoid and tanh are
 * the configured approximations.
 */
public final class GruCell implements RecurrentCell {
    private final String name;
    private final int in;
    private final int hidden;
    private final Param wzr;
    private final Param bzr;
    private final Param wn;
    private final Param bn;
    private final List<Matrix[]> caches = new ArrayList<>();

    public GruCell(String name, Arithmetic a, SplittableRandom rng, int in, int hidden) {
        this.name = name;
        this.in = in;
        this.hidden = hidden;
        this.wzr = new Param(name + ".wzr", Init.uniform(a, rng, in + hidden, 2 * hidden, hidden), true);
        this.bzr = new Param(name + ".bzr", a.zeros(1, 2 * hidden), true);
        this.wn = new Param(name + ".wn", Init.uniform(a, rng, in + hidden, hidden, hidden), true);
        this.bn = new Param(name + ".bn", a.zeros(1, hidden), true);
    }

    @Override
    public int hidden() {
        return hidden;
    }

    @Override
    public Matrix[] zeroState(Context ctx, int batch) {
        return new Matrix[] {ctx.arith().zeros(batch, hidden)};
    }

    @Override
    public Matrix[] step(Context ctx, int t, Matrix x, Matrix[] state) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".t" + t + ".fwd");
        Matrix h = state[0];
        Matrix xh = a.concatColumns(x, h);
        Matrix azr = a.addRow(a.matmul(xh, wzr.value()), bzr.value());
        Matrix zr = ctx.nonlinearities().sigmoid().apply(a, azr);
        Matrix z = a.columns(zr, 0, hidden);
        Matrix r = a.columns(zr, hidden, 2 * hidden);
        Matrix xrh = a.concatColumns(x, a.mul(r, h));
        Matrix an = a.addRow(a.matmul(xrh, wn.value()), bn.value());
        Matrix n = ctx.nonlinearities().tanh().apply(a, an);
        Matrix hMinusN = a.sub(h, n);
        Matrix out = a.add(n, a.mul(z, hMinusN));
        while (caches.size() <= t) {
            caches.add(null);
        }
        caches.set(t, new Matrix[] {xh, azr, z, r, h, xrh, an, hMinusN});
        return new Matrix[] {out};
    }

    @Override
    public Matrix[] backStep(Context ctx, int t, Matrix[] dState) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".t" + t + ".bwd");
        Matrix[] k = caches.get(t);
        Matrix xh = k[0], azr = k[1], z = k[2], r = k[3], h = k[4], xrh = k[5], an = k[6], hMinusN = k[7];
        Matrix dOut = dState[0];
        Matrix[] p = a.mulBatch(new Matrix[] {dOut, dOut}, new Matrix[] {z, hMinusN});
        Matrix dhDirect = p[0];
        Matrix dz = p[1];
        Matrix dn = a.sub(dOut, dhDirect);
        Matrix dan = a.mul(dn, ctx.nonlinearities().tanh().derivative(a, an));
        wn.accumulate(a, a.matmulTransposeA(xrh, dan));
        bn.accumulate(a, a.sumRows(dan));
        Matrix dxrh = a.matmulTransposeB(dan, wn.value());
        Matrix drh = a.columns(dxrh, in, in + hidden);
        Matrix[] q = a.mulBatch(new Matrix[] {drh, drh}, new Matrix[] {h, r});
        Matrix dr = q[0];
        Matrix dazr = a.mul(a.concatColumns(dz, dr), ctx.nonlinearities().sigmoid().derivative(a, azr));
        wzr.accumulate(a, a.matmulTransposeA(xh, dazr));
        bzr.accumulate(a, a.sumRows(dazr));
        Matrix dxh = a.matmulTransposeB(dazr, wzr.value());
        Matrix dx = a.add(a.columns(dxrh, 0, in), a.columns(dxh, 0, in));
        Matrix dh = a.add(a.add(dhDirect, q[1]), a.columns(dxh, in, in + hidden));
        caches.set(t, null);
        return new Matrix[] {dx, dh};
    }

    @Override
    public List<Param> params() {
        return List.of(wzr, bzr, wn, bn);
    }

    @Override
    public void reset() {
        caches.clear();
    }
}
