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
 * <p>In fixed point the velocity's terms are summed before one truncation and lr*v is truncated once: two
 * truncations per parameter and step, and on two parties two rounds per step for all parameters together. Tiny
 * decay terms below the resolution 2^-f still vanish there.
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
        List<Param> updated = new java.util.ArrayList<>();
        List<Matrix[]> terms = new java.util.ArrayList<>();
        List<double[]> coefs = new java.util.ArrayList<>();
        for (Param p : params) {
            if (!p.trainable() || p.grad() == null) {
                continue;
            }
            Matrix v = velocity.get(p.name());
            if (v == null && momentum != 0) {
                // The first step starts from a zero velocity rather than skipping the product, so every step
                // makes the same calls: a secure run's triple plan records one step and repeats it.
                v = a.zeros(p.grad().rows(), p.grad().cols());
            }
            // v = mu v + gradScale g + wd w: one linear combination, truncated once.
            List<Matrix> t = new java.util.ArrayList<>(List.of(p.grad()));
            List<Double> c = new java.util.ArrayList<>(List.of(gradScale));
            if (momentum != 0) {
                t.add(v);
                c.add(momentum);
            }
            if (weightDecay != 0) {
                t.add(p.value());
                c.add(weightDecay);
            }
            updated.add(p);
            terms.add(t.toArray(Matrix[]::new));
            coefs.add(c.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (updated.isEmpty()) {
            return;
        }
        // All parameters at once: on two parties one truncation round for the velocities and one for the steps,
        // whatever the number of parameters (a round each per parameter and factor before).
        boolean plainGradient = momentum == 0 && weightDecay == 0 && gradScale == 1.0;
        Matrix[] v = plainGradient ? updated.stream().map(Param::grad).toArray(Matrix[]::new)
                : a.combineBatch(terms.toArray(Matrix[][]::new), coefs.toArray(double[][]::new));
        Matrix[][] steps = new Matrix[v.length][];
        double[][] rates = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            steps[i] = new Matrix[] {v[i]};
            rates[i] = new double[] {lr};
        }
        Matrix[] delta = a.combineBatch(steps, rates);
        for (int i = 0; i < v.length; i++) {
            Param p = updated.get(i);
            velocity.put(p.name(), v[i]);
            p.set(a.sub(p.value(), delta[i]));
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
