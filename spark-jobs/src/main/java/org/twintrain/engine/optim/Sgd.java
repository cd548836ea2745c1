package org.twintrain.engine.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * SGD with (heavy-ball) momentum and L2 weight decay, as in PyTorch: v = mu*v + (g + wd*w); w = w - lr*v. The
 * velocities are matrices of the backend (shares on two parties). Call order per step: gradients filled by
 * backward, then {@link #step}, which clears them.
 *
 * <p>In fixed point, lr*wd*w is truncated to the resolution 2^-f, so tiny decay terms vanish there.
 */
public final class Sgd {
    private final double momentum;
    private final double weightDecay;
    private final StepSchedule schedule;
    private final Map<String, Matrix> velocity = new LinkedHashMap<>();

    public Sgd(double momentum, double weightDecay, StepSchedule schedule) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.schedule = schedule;
    }

    public StepSchedule schedule() {
        return schedule;
    }

    /** Updates every trainable parameter that has a gradient, at the rate of the context's step. */
    public void step(Context ctx, List<Param> params) {
        step(ctx, params, 1.0);
    }

    /**
     * As {@link #step(Context, List)} with the gradients first multiplied by gradScale (1 / batch size when
     * backward ran on the gradient of the summed loss).
     */
    public void step(Context ctx, List<Param> params, double gradScale) {
        Arithmetic a = ctx.arith();
        double lr = schedule.rate(ctx.step());
        ctx.scope("sgd");
        for (Param p : params) {
            if (!p.trainable() || p.grad() == null) {
                continue;
            }
            Matrix grad = gradScale == 1.0 ? p.grad() : a.scale(p.grad(), gradScale);
            Matrix g = weightDecay == 0 ? grad : a.add(grad, a.scale(p.value(), weightDecay));
            Matrix v = velocity.get(p.name());
            if (v == null && momentum != 0) {
                // The first step starts from a zero velocity rather than skipping the product, so every step
                // makes the same calls: a secure run's triple plan records one step and repeats it (with exact
                // truncation the product draws keys). 0 * momentum + g is g exactly on every backend.
                v = a.zeros(g.rows(), g.cols());
            }
            v = momentum == 0 ? g : a.add(a.scale(v, momentum), g);
            velocity.put(p.name(), v);
            p.set(a.sub(p.value(), a.scale(v, lr)));
            p.clearGrad();
        }
    }

    /** The velocities by parameter name (for checkpoints); absent before a parameter's first update. */
    public Map<String, Matrix> velocities() {
        return velocity;
    }

    @Override
    public String toString() {
        return "sgd(momentum=" + momentum + ", weightDecay=" + weightDecay + ", lr=" + schedule + ")";
    }
}
