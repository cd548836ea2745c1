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
 * <p>In fixed point (with a truncation that is safe for large products, i.e. not SecureML's local one) the
 * optimizer keeps the step u = lr*v instead of v: u' = mu (lr_t / lr_t-1) u + lr_t (gradScale g + wd w); w = w - u'.
 * That is the same update in exact arithmetic, with one truncation per parameter and step instead of two (one
 * round and 8 bytes per parameter less on two parties). Its coefficients (lr / batch is 2^-10 to 2^-20) are held to
 * {@link #EXTRA_BITS} more fractional bits than f, so a decayed rate is not rounded away; each term of u' must then
 * stay below 2^(62 - 2f - EXTRA_BITS) (2^14 at f = 16: a step, not a weight). Otherwise (floating point, local
 * truncation, f above 16) v and lr*v are truncated separately: two truncations per parameter, two rounds per step
 * for all parameters together. The velocities in {@link #velocities()} are u in the first case, v in the other.
 */
public final class Sgd {
    private final double momentum;
    private final double weightDecay;
    private final StepSchedule schedule;
    private final Map<String, Matrix> velocity = new LinkedHashMap<>();

    /** Fractional bits beyond f of the one-truncation update's coefficients (at f = 16: resolution 2^-32). */
    static final int EXTRA_BITS = 16;

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
        boolean keepsStep = keepsStep(a);
        // u = lr v carries the previous rate: rescale it to this step's (1 on the first step, where u is zero).
        double previous = ctx.step() > 0 ? schedule.rate(ctx.step() - 1) : lr;
        double carry = keepsStep ? momentum * (previous == 0 ? 1.0 : lr / previous) : momentum;
        double scale = keepsStep ? lr : 1.0;
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
            // v = mu v + gradScale g + wd w (or u = lr v scaled alike): one linear combination, truncated once.
            List<Matrix> t = new java.util.ArrayList<>(List.of(p.grad()));
            List<Double> c = new java.util.ArrayList<>(List.of(scale * gradScale));
            if (momentum != 0) {
                t.add(v);
                c.add(carry);
            }
            if (weightDecay != 0) {
                t.add(p.value());
                c.add(scale * weightDecay);
            }
            updated.add(p);
            terms.add(t.toArray(Matrix[]::new));
            coefs.add(c.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (updated.isEmpty()) {
            return;
        }
        // All parameters at once: on two parties one truncation round for the velocities (and one for the steps in
        // the two-truncation form), whatever the number of parameters.
        Matrix[][] termsOf = terms.toArray(Matrix[][]::new);
        double[][] coefsOf = coefs.toArray(double[][]::new);
        Matrix[] v;
        Matrix[] delta;
        if (keepsStep) { // u' = mu (lr_t / lr_t-1) u + lr_t (gradScale g + wd w), one truncation; w = w - u'
            v = a.combineBatch(termsOf, coefsOf, EXTRA_BITS);
            delta = v;
        } else { // v = mu v + gradScale g + wd w; w = w - lr v
            boolean plainGradient = momentum == 0 && weightDecay == 0 && gradScale == 1.0;
            v = plainGradient ? updated.stream().map(Param::grad).toArray(Matrix[]::new) : a.combineBatch(termsOf, coefsOf);
            Matrix[][] steps = new Matrix[v.length][];
            double[][] rates = new double[v.length][];
            for (int i = 0; i < v.length; i++) {
                steps[i] = new Matrix[] {v[i]};
                rates[i] = new double[] {lr};
            }
            delta = a.combineBatch(steps, rates);
        }
        for (int i = 0; i < v.length; i++) {
            Param p = updated.get(i);
            velocity.put(p.name(), v[i]);
            p.set(a.sub(p.value(), delta[i]));
            p.clearGrad();
        }
    }

    /**
     * Whether the backend takes the one-truncation update: fixed point whose truncation is safe for large products
     * and whose f leaves {@link #EXTRA_BITS} and a 2^14 step range in the ring.
     */
    static boolean keepsStep(Arithmetic a) {
        int f = a.fractionalBits();
        return f > 0 && 2 * f + EXTRA_BITS <= 48 && a.truncatesLargeProductsSafely();
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
