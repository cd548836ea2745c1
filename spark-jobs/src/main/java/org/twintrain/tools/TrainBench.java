package org.twintrain.tools;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * ResNet training throughput in double precision on this machine: images/s and achieved GFLOP/s of the
 * training step (counted as 3 x 2 x the forward multiply-adds: forward, input gradient, weight gradient),
 * printed next to the dgemm GFLOP/s of the same backend measured in the same run: best of 5 before and after
 * the timed steps, and once right after every timed step (the per-step ratio, whose median is the figure to
 * quote on a machine whose load changes). The same ratio per CPU-second of the process is printed too: it does
 * not depend on how much of the machine other jobs take, but it does not count time a thread spends waiting.
 *
 * <p>Arguments (all optional, in order): depth (20), width (1.0), batch (64), timed steps (5), threads (2).
 *
 * <p>Since issue #18 the reference 512^3 product is {@code DoubleArithmetic.matmul}'s Vector API kernel ({@code
 * Dgemm}), no longer netlib's dgemm (which the double backend's convolutions still use); ratios measured before
 * then are against netlib. The float backend is timed with {@link StepBench}.
 */
public final class TrainBench {
    private TrainBench() {
    }

    public static void main(String[] args) {
        int depth = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        double width = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        DoubleArithmetic a = new DoubleArithmetic(threads);

        double dgemm = dgemmGflops(a, 512, 5);
        Shape shape = new Shape(3, 32, 32);
        Classifier model = Models.build("resnet", a, 1, shape, 10, width, depth, true);
        Trainer trainer = new Trainer(new Context(a, Nonlinearities.from(ApproxConfig.defaults())), model,
                new Sgd(0.9, 5e-4, StepSchedule.paper()), new Trainer.Config(batch, 1, 4));
        SplittableRandom rng = new SplittableRandom(2);
        double[] x = new double[batch * shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        double[] y = new double[batch * 10];
        for (int b = 0; b < batch; b++) {
            y[b * 10 + rng.nextInt(10)] = 1;
        }
        Matrix xm = a.fromPublic(batch, shape.size(), x);
        Matrix ym = a.fromPublic(batch, 10, y);
        for (int i = 0; i < 2; i++) {
            trainer.trainStep(0, xm, ym); // warm-up: JIT, index caches
        }
        // Each timed step is followed by a dgemm measurement, so that the ratio of a step's rate to the dgemm
        // rate next to it holds up when other jobs change the machine's load during the run.
        double flopsPerStep = 6.0 * model.asLayer().macsPerExample() * batch;
        double[] stepRate = new double[steps];
        double[] dgemmRate = new double[steps];
        double[] ratio = new double[steps];
        double[] cpuRatio = new double[steps];
        double total = 0;
        double[] product = new double[2];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime(), c0 = processCpuNanos();
            trainer.trainStep(0, xm, ym);
            double secs = (System.nanoTime() - t0) / 1e9, cpuSecs = (processCpuNanos() - c0) / 1e9;
            total += secs;
            stepRate[i] = flopsPerStep / secs / 1e9;
            dgemmTimed(a, 512, product);
            dgemmRate[i] = product[0];
            ratio[i] = stepRate[i] / dgemmRate[i];
            cpuRatio[i] = flopsPerStep / cpuSecs / 1e9 / product[1];
        }
        double images = (double) steps * batch;
        double dgemmAfter = dgemmGflops(a, 512, 5);
        System.out.printf("%s batch=%d threads=%d steps=%d: %.1f images/s, %.2f GFLOP/s achieved; dgemm 512^3 "
                + "%.2f GFLOP/s before, %.2f after (same backend, same run); training at %.0f%% of dgemm%n",
                model.describe(), batch, threads, steps, images / total, flopsPerStep * steps / total / 1e9, dgemm,
                dgemmAfter, 100 * flopsPerStep * steps / total / 1e9 / Math.max(dgemm, dgemmAfter));
        System.out.printf("per step (median of %d): training %.2f GFLOP/s, dgemm right after it %.2f GFLOP/s, "
                + "ratio %.0f%% (step ratios %s); per CPU-second of the process, ratio %.0f%% (%s)%n", steps,
                median(stepRate), median(dgemmRate), 100 * median(ratio), percentages(ratio), 100 * median(cpuRatio),
                percentages(cpuRatio));
    }

    /** CPU time of this process (all its threads, garbage collection included). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Four n^3 products after a warm-up one: {GFLOP/s of wall time, GFLOP per CPU-second of the process}.
     * Four, so that the process CPU clock (which may tick in milliseconds) is read over tens of milliseconds.
     */
    static void dgemmTimed(DoubleArithmetic a, int n, double[] out) {
        final int reps = 4;
        double[] v = new double[n * n];
        Arrays.fill(v, 0.5);
        Matrix m = a.fromPublic(n, n, v);
        a.matmul(m, m);
        long t0 = System.nanoTime(), c0 = processCpuNanos();
        for (int r = 0; r < reps; r++) {
            a.matmul(m, m);
        }
        double secs = (System.nanoTime() - t0) / 1e9, cpuSecs = (processCpuNanos() - c0) / 1e9;
        out[0] = reps * 2.0 * n * n * n / secs / 1e9;
        out[1] = reps * 2.0 * n * n * n / cpuSecs / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String percentages(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : " ").append(Math.round(100 * x)).append('%');
        }
        return b.toString();
    }

    /** Best-of-reps GFLOP/s of an n x n by n x n product on the backend. */
    static double dgemmGflops(DoubleArithmetic a, int n, int reps) {
        SplittableRandom rng = new SplittableRandom(1);
        double[] v = new double[n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble();
        }
        Matrix m = a.fromPublic(n, n, v);
        double best = 0;
        for (int r = 0; r < reps + 1; r++) {
            long t0 = System.nanoTime();
            a.matmul(m, m);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                best = Math.max(best, 2.0 * n * n * n / secs / 1e9);
            }
        }
        return best;
    }
}
