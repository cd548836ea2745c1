package org.twintrain.jobs.study;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FloatArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * Runs one configuration: reads the data, builds the model and trains it with the engine (a {@link StudyRunner})
 * for the configured steps, the dev set evaluated every {@code evalEvery} steps and at the end. Never throws: an
 * exception becomes a failed result with its reason, and a non-finite or exploding training loss stops the run
 * as diverged, so one bad configuration does not stop the others. Spark-free: the job calls it inside a task.
 */
public final class StudyTask {
    private StudyTask() {
    }

    /** Thrown from the step callback to stop a diverging run. */
    private static final class Diverged extends RuntimeException {
        Diverged(String message) {
            super(message, null, false, false);
        }
    }

    public static StudyResult run(StudyConfig c) {
        long t0 = System.nanoTime();
        List<StudyResult.StepMetric> curve = new ArrayList<>();
        String scale = "";
        long trainNanos = 0;
        long cpuNanos = 0;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        StudyRunner runner = null;
        try {
            StudyConfig.TrainSpec t = c.train();
            Arithmetic arith = backend(c.precision(), t.threads());
            Nonlinearities nl = StudyNonlinearities.create(c);
            Sgd sgd = new Sgd(t.momentum(), t.weightDecay(), StepSchedule.parse(t.lr()));
            runner = c.data().format().equals("text")
                    ? new SequenceRunner(c, arith, nl, sgd, TextData.load(c.data()))
                    : new ClassifierRunner(c, arith, nl, sgd, StudyData.load(c.data()));
            scale = runner.scale() + " batch=" + t.batch() + " steps=" + t.steps() + " lr=" + t.lr() + " momentum="
                    + t.momentum() + " precision=" + c.precision();
            DivergenceCheck check = new DivergenceCheck(t.divergeFactor(), t.divergePatience(), runner.classes());
            StudyRunner r = runner;
            // the untrained model's dev metrics start every learning curve (step 0, no training loss yet)
            double[] last = runner.evaluate();
            curve.add(new StudyResult.StepMetric(0, Double.NaN, true, last[0], last[1]));
            while (runner.step() < t.steps()) {
                long target = Math.min(t.steps(), (runner.step() / t.evalEvery() + 1) * t.evalEvery());
                long s0 = System.nanoTime();
                long c0 = cpu.getCurrentThreadCpuTime();
                try {
                    runner.train(target, step -> {
                        double loss = r.lastLoss();
                        curve.add(new StudyResult.StepMetric(step, loss, false, Double.NaN, Double.NaN));
                        check.accept(step, loss);
                    });
                } finally {
                    trainNanos += System.nanoTime() - s0;
                    cpuNanos += cpu.getCurrentThreadCpuTime() - c0;
                }
                last = runner.evaluate();
                StudyResult.StepMetric m = curve.remove(curve.size() - 1);
                curve.add(new StudyResult.StepMetric(m.step(), m.trainLoss(), true, last[0], last[1]));
            }
            return new StudyResult(c, StudyResult.OK, "", runner.step(), last[0], last[1],
                    seconds(System.nanoTime() - t0), perStep(trainNanos, runner.step()), perStep(cpuNanos, runner.step()), scale, curve);
        } catch (Diverged d) {
            long steps = curve.isEmpty() ? 0 : curve.get(curve.size() - 1).step();
            return new StudyResult(c, StudyResult.DIVERGED, d.getMessage(), steps, Double.NaN, Double.NaN,
                    seconds(System.nanoTime() - t0), perStep(trainNanos, steps), perStep(cpuNanos, steps), scale, curve);
        } catch (Throwable e) {
            // Any failure of this configuration, including running out of memory, is its result, not the job's.
            long steps = runner == null ? 0 : runner.step();
            return new StudyResult(c, StudyResult.FAILED, describe(e), steps, Double.NaN, Double.NaN,
                    seconds(System.nanoTime() - t0), perStep(trainNanos, steps), perStep(cpuNanos, steps), scale, curve);
        }
    }

    /** Seeds the fixed-point emulation's rounding, so a configuration repeats bit for bit. */
    static final long EMULATION_SEED = 0x5eed;

    static Arithmetic backend(String precision, int threads) {
        if (precision.equals("double")) {
            return new DoubleArithmetic(threads);
        }
        if (precision.equals("float")) {
            return new FloatArithmetic(threads);
        }
        if (precision.startsWith("fixed:")) {
            // The emulation of a secure run: seeded stochastic rounding, as the shares' truncation behaves.
            return FixedPointArithmetic.emulation(
                    new FixedPoint(Integer.parseInt(precision.substring("fixed:".length()))), EMULATION_SEED);
        }
        throw new IllegalArgumentException("precision must be double, float or fixed:F, got '" + precision + "'");
    }

    /** The exception class and message, the first cause's, and where it was thrown, on one line. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            sb.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage());
            }
            sb.append(')');
        }
        if (e.getStackTrace().length > 0) {
            StackTraceElement top = e.getStackTrace()[0];
            sb.append(" at ").append(top.getClassName().substring(top.getClassName().lastIndexOf('.') + 1)).append('.')
                    .append(top.getMethodName()).append(':').append(top.getLineNumber());
        }
        return sb.toString().replace('\n', ' ');
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double perStep(long nanos, long steps) {
        return steps == 0 ? Double.NaN : nanos / 1e9 / steps;
    }

    /**
     * Divergence: a non-finite loss, or a loss above factor x max(first loss, ln classes) for patience steps in a
     * row (an explosion, not one noisy batch).
     */
    static final class DivergenceCheck {
        private final double factor;
        private final int patience;
        private final double floor;
        private double reference = Double.NaN;
        private int above;

        DivergenceCheck(double factor, int patience, int classes) {
            this.factor = factor;
            this.patience = patience;
            this.floor = Math.log(classes);
        }

        void accept(long step, double loss) {
            if (!Double.isFinite(loss)) {
                throw new Diverged("training loss is " + loss + " at step " + step);
            }
            if (Double.isNaN(reference)) {
                reference = Math.max(loss, floor);
            }
            double limit = factor * reference;
            above = loss > limit ? above + 1 : 0;
            if (above >= patience) {
                throw new Diverged(String.format(java.util.Locale.ROOT,
                        "training loss %.4g above %.4g (%.3g x initial) for %d steps at step %d",
                        loss, limit, factor, patience, step));
            }
        }
    }
}
