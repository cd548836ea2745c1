package org.twintrain.sharing.triples;

import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/** A small secure step for plan tests: two matmuls, an elementwise product, a square and comparisons. */
final class ToyProgram implements TriplePlan.StepProgram {
    @Override
    public void step(Arithmetic a, long epoch, long step) {
        a.beginScope(epoch, step, "dense");
        Matrix x = a.zeros(4, 3);
        Matrix w = a.zeros(3, 2);
        Matrix h = a.matmul(x, w);
        Matrix act = a.relu(h);
        a.beginScope(epoch, step, "loss");
        Matrix sq = a.square(act);
        Matrix p = a.mul(sq, act);
        a.lessThanZero(p);
        a.matmul(a.transpose(x), p);
    }
}
