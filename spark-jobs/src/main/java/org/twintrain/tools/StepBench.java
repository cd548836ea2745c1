package org.twintrain.tools;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.twintrain.engine.Context;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * Times the engine's training step on one fixed batch of random data, the counterpart of
 * benchmarks/engine_vs_pytorch.py (run both, alternating, with benchmarks/engine-vs-pytorch.sh). Models:
 * {@code resnet20} (He et al.'s CIFAR ResNet-20, 16-32-64 channels, batch norm, 3x32x32 input, 10 classes,
 * 269,722 parameters) and {@code secureml} (784-128-128-10, ReLU). SGD with momentum 0.9, no augmentation.
 *
 * <p>Arguments: MODEL BACKEND (double|float) BATCH STEPS THREADS [APPROX, e.g. exp=exact]. Prints every step
 * time and a last line {@code RESULT ... median_ms=M images_per_s=I} (I = BATCH / M, from the median step).
 */
public final class StepBench {
    private StepBench() {
    }

    public static void main(String[] args) {
        if (args.length < 5 || args.length > 6) {
            System.err.println("usage: StepBench resnet20|secureml double|float BATCH STEPS THREADS [APPROX]");
            System.exit(2);
        }
        String model = args[0];
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        String approx = args.length > 5 ? args[5] : "exp=exact";
        Arithmetic a = TrainLocal.backend(args[1], threads);
        Shape shape;
        Classifier net;
        switch (model) {
            case "resnet20" -> {
                shape = new Shape(3, 32, 32);
                net = Models.build("resnet", a, 1, shape, 10, 1.0, 20, true);
            }
            case "secureml" -> {
                shape = new Shape(1, 28, 28);
                net = Models.build("secureml", a, 1, shape, 10, 1.0, 2, false);
            }
            default -> throw new IllegalArgumentException("model must be resnet20 or secureml, got '" + model + "'");
        }
        Trainer trainer = new Trainer(new Context(a, Nonlinear.fromConfig(approx)), net,
                new Sgd(0.9, 0.0, StepSchedule.constant(0.01)), new Trainer.Config(batch, 1, 0));
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
        int warmup = Math.max(3, steps / 4);
        for (int i = 0; i < warmup; i++) {
            trainer.trainStep(0, xm, ym); // JIT
        }
        double[] ms = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            trainer.trainStep(0, xm, ym);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("engine", "twintrain");
        out.put("model", model);
        out.put("backend", a.name());
        out.put("batch", Integer.toString(batch));
        out.put("threads", Integer.toString(threads));
        out.put("params", Long.toString(net.params().stream().filter(p -> p.trainable()).mapToLong(p -> p.value().size()).sum()));
        double median = median(ms);
        out.put("median_ms", String.format(java.util.Locale.ROOT, "%.3f", median));
        out.put("images_per_s", String.format(java.util.Locale.ROOT, "%.1f", batch / median * 1000));
        StringBuilder line = new StringBuilder("RESULT");
        out.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println("step ms: " + Arrays.toString(Arrays.stream(ms).map(v -> Math.round(v * 100) / 100.0).toArray()));
        System.out.println(line);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
