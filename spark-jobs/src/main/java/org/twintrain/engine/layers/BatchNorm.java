package org.twintrain.engine.layers;

import java.util.List;
import org.twintrain.engine.Context;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Batch normalization per channel over batch and space, with learned scale and shift and running statistics
 * (momentum 0.1) for evaluation.
 *
 * <p><b>Cleartext backends only.</b> The inverse square root of the variance is computed with
 * {@code applyCleartext}. On two parties this layer refuses to run (IllegalStateException): secure models are
 * built without batch norm ({@code batchNorm=false} in the model factories, which drop the layer and give the
 * convolutions a bias). A trained model's batch norm could also be folded into the preceding convolution for
 * secure inference; training through it securely would need a secure reciprocal square root, not built here.
 */
public final class BatchNorm implements Layer {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final String name;
    private final Shape shape;
    private final Param gamma;
    private final Param beta;
    private final Param runningMean;
    private final Param runningVar;
    private Matrix xhat;
    private Matrix invStd;

    public BatchNorm(String name, Arithmetic a, Shape shape) {
        this.name = name;
        this.shape = shape;
        int c = shape.channels();
        this.gamma = new Param(name + ".gamma", a.constant(1, c, 1.0), true);
        this.beta = new Param(name + ".beta", a.zeros(1, c), true);
        this.runningMean = new Param(name + ".runningMean", a.zeros(1, c), false);
        this.runningVar = new Param(name + ".runningVar", a.constant(1, c, 1.0), false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape() {
        return shape;
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public Matrix forward(Context ctx, Matrix x) {
        Arithmetic a = ctx.arith();
        if (!a.isCleartext()) {
            throw new IllegalStateException("layer " + name + ": batch norm needs a cleartext backend (inverse square "
                    + "root), not '" + a.name() + "'; build the model with batchNorm=false for secure training");
        }
        ctx.scope(name + ".fwd");
        int c = shape.channels();
        double count = (double) x.rows() * shape.height() * shape.width();
        Matrix ones = a.constant(1, c, 1.0);
        Matrix mean;
        Matrix var;
        Matrix centered;
        if (ctx.training()) {
            mean = a.scale(a.channelSums(x, c), 1.0 / count);
            centered = a.channelAffine(x, ones, a.neg(mean), c);
            var = a.scale(a.channelDotSums(centered, centered, c), 1.0 / count);
            runningMean.set(a.add(a.scale(runningMean.value(), 1 - MOMENTUM), a.scale(mean, MOMENTUM)));
            runningVar.set(a.add(a.scale(runningVar.value(), 1 - MOMENTUM), a.scale(var, MOMENTUM)));
        } else {
            mean = runningMean.value();
            var = runningVar.value();
            centered = a.channelAffine(x, ones, a.neg(mean), c);
        }
        // EPS is added inside the cleartext function: in fixed point with few fractional bits it would round
        // to 0 as a ring constant, and a zero variance would then give 1/sqrt(0).
        invStd = a.applyCleartext(var, v -> 1.0 / Math.sqrt(Math.max(v, 0.0) + EPS));
        Matrix normalized = a.channelAffine(centered, invStd, a.zeros(1, c), c);
        xhat = ctx.training() ? normalized : null;
        return a.channelAffine(normalized, gamma.value(), beta.value(), c);
    }

    /**
     * dx = invStd * gamma * (dy - mean(dy) - xhat * mean(dy * xhat)), means per channel: one pass for the two
     * sums (also the gradients of beta and gamma) and one for dx.
     */
    @Override
    public Matrix backward(Context ctx, Matrix dy) {
        Arithmetic a = ctx.arith();
        ctx.scope(name + ".bwd");
        int c = shape.channels();
        double count = (double) dy.rows() * shape.height() * shape.width();
        Matrix sumDy = a.channelSums(dy, c);
        Matrix sumDyXhat = a.channelDotSums(dy, xhat, c);
        beta.accumulate(a, sumDy);
        gamma.accumulate(a, sumDyXhat);
        Matrix k = a.mul(invStd, gamma.value());
        Matrix dx = a.channelAffine(dy, k, xhat, a.scale(a.mul(k, sumDyXhat), -1.0 / count),
                a.scale(a.mul(k, sumDy), -1.0 / count), c);
        xhat = null;
        return dx;
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta, runningMean, runningVar);
    }
}
