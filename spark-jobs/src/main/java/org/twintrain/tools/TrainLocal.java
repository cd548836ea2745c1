package org.twintrain.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.ImageData;
import org.twintrain.engine.train.Images;
import org.twintrain.engine.train.Trainer;
import org.twintrain.jobs.train.SharedDataReconstruction;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FloatArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * Trains a named model on MNIST IDX or CIFAR binary files on one machine, without Spark, and prints the dev
 * accuracy after every epoch next to the model's width and depth. Example:
 * <pre>
 * java -cp ... org.twintrain.tools.TrainLocal --data mnist \
 *   --train train-images-idx3-ubyte.gz,train-labels-idx1-ubyte.gz \
 *   --dev t10k-dev-images-idx3-ubyte.gz,t10k-dev-labels-idx1-ubyte.gz --model secureml --epochs 10
 * </pre>
 * Options (all "--key value"): data (mnist, cifar10, cifar100), train, dev (comma-separated files), model,
 * width, depth, batchNorm, backend (double, float (float32), fixed:F, or two-party:F: both parties in this process, exact
 * truncation; a demo of the secure path, each party checkpoints its own share file), threads, epochs, maxSteps, batch, lr (LR or
 * LR@FIRST/EVERY*FACTOR), momentum, weightDecay, augmentPad, seed, roundingSeed (the fixed-point emulation's
 * stochastic rounding; default 0x5eed), trainLimit, devLimit, checkpoint (path;
 * resumes from it when present, written after each epoch), approx (comma-separated key=value of the
 * approximation configuration), shares (STORE0,STORE1: train and dev come from a secure run's two stores instead of
 * files, each set both halves added up, in the order the servers held it, so that with the run's --seed the
 * emulation takes the run's own minibatches; an experiment's option, it needs both stores), trainName and devName (the
 * stores' data set names; default train and dev), inputShape (with shares: auto or CxHxW, as model.inputShape).
 */
public final class TrainLocal {
    private TrainLocal() {
    }

    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data", "mnist");
        d.put("train", "");
        d.put("dev", "");
        d.put("model", "secureml");
        d.put("width", "1.0");
        d.put("depth", "2");
        d.put("batchNorm", "true");
        d.put("backend", "double");
        d.put("threads", "2");
        d.put("epochs", "10");
        d.put("maxSteps", "-1");
        d.put("batch", "128");
        d.put("lr", "0.1");
        d.put("momentum", "0.9");
        d.put("weightDecay", "0");
        d.put("augmentPad", "0");
        d.put("seed", "1");
        d.put("roundingSeed", String.valueOf(0x5eed));
        d.put("trainLimit", "-1");
        d.put("devLimit", "-1");
        d.put("checkpoint", "");
        d.put("approx", "");
        d.put("shares", "");
        d.put("trainName", "train");
        d.put("devName", "dev");
        d.put("inputShape", "auto");
        return d;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, defaults());
        System.out.println("args: " + args);
        Dataset[] data = withLimits(args, args.get("shares").isEmpty() ? load(args) : fromShares(args));
        String backend = args.get("backend");
        if (backend.startsWith("two-party")) {
            // Demo of the secure path in one process: both parties run the same loop on their shares. The data
            // enter as public values here (both parties read the files); the weights stay shared, only the
            // dev logits are revealed for the accuracy line.
            int f = backend.contains(":") ? Integer.parseInt(backend.substring(backend.indexOf(':') + 1))
                    : FixedPoint.DEFAULT_FRACTIONAL_BITS;
            TwoPartyRunner runner = new TwoPartyRunner(new FixedPoint(f), TruncationMode.WRAP_FREE,
                    ("trainlocal-" + args.get("seed")).getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5),
                    Duration.ofDays(7));
            runner.run(a -> {
                try {
                    train(args, a, data, a.party() == 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
        } else {
            train(args, backend(backend, args.getInt("threads"), args.getLong("roundingSeed")), data, true);
        }
    }

    /** The training loop of one backend (of one party on two parties); prints when print is set. */
    static void train(Args args, Arithmetic arith, Dataset[] data, boolean print) throws IOException {
        Dataset train = data[0];
        Dataset dev = data[1];
        Nonlinearities nl = Nonlinear.fromConfig(args.get("approx"));
        long seed = args.getLong("seed");
        Classifier model = Models.build(args.get("model"), arith, seed, train.shape(), train.classes(),
                args.getDouble("width"), args.getInt("depth"), args.getBoolean("batchNorm"));
        Sgd sgd = new Sgd(args.getDouble("momentum"), args.getDouble("weightDecay"), StepSchedule.parse(args.get("lr")));
        Trainer trainer = new Trainer(new Context(arith, nl), model, sgd,
                new Trainer.Config(args.getInt("batch"), seed, args.getInt("augmentPad")));
        Path checkpoint = args.get("checkpoint").isEmpty() ? null : Path.of(args.get("checkpoint")
                + (arith.isCleartext() ? "" : ".party" + ((TwoPartyArithmetic) arith).party()));
        if (checkpoint != null && Files.exists(checkpoint)) {
            trainer.restore(checkpoint);
            if (print) {
                System.out.println("resumed from " + checkpoint + " at step " + trainer.step());
            }
        }
        String scale = model.describe() + " backend=" + arith.name() + " f=" + arith.fractionalBits() + " "
                + nl.describe() + " " + sgd + " batch=" + args.getInt("batch") + " train=" + train.size() + " dev="
                + dev.size();
        if (print) {
            System.out.println(scale);
        }
        int spe = trainer.stepsPerEpoch(train);
        long maxSteps = args.getLong("maxSteps");
        long end = (long) spe * args.getInt("epochs");
        if (maxSteps > 0) {
            end = Math.min(end, maxSteps);
        }
        long start = System.nanoTime();
        while (trainer.step() < end) {
            long target = Math.min(end, (trainer.step() / spe + 1) * spe);
            long stepsBefore = trainer.step();
            long t0 = System.nanoTime();
            trainer.run(train, target, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            Trainer.Evaluation ev = trainer.evaluate(dev, args.getInt("batch"));
            double epoch = (double) trainer.step() / spe;
            if (print) {
                System.out.printf("epoch %.2f step %d dev_accuracy %.4f dev_loss %.4f train_images/s %.1f elapsed_s %.0f | %s%n",
                        epoch, trainer.step(), ev.accuracy(), ev.meanLoss(),
                        (trainer.step() - stepsBefore) * args.getInt("batch") / secs, (System.nanoTime() - start) / 1e9,
                        model.describe());
            }
            if (checkpoint != null) {
                trainer.save(checkpoint);
            }
        }
    }

    static Arithmetic backend(String spec, int threads) {
        return backend(spec, threads, 0x5eed);
    }

    /** roundingSeed: the fixed-point emulation's stochastic rounding stream (the model's seed is --seed). */
    static Arithmetic backend(String spec, int threads, long roundingSeed) {
        if (spec.equals("double")) {
            return new DoubleArithmetic(threads);
        }
        if (spec.equals("float")) {
            return new FloatArithmetic(threads);
        }
        if (spec.startsWith("fixed")) {
            // The emulation of a secure run: seeded stochastic rounding, as the shares' truncation behaves.
            return FixedPointArithmetic.emulation(spec.contains(":") ? new FixedPoint(Integer.parseInt(spec.substring(6)))
                    : FixedPoint.defaults(), roundingSeed);
        }
        throw new IllegalArgumentException("backend must be double, float or fixed[:F], got '" + spec + "'");
    }

    /** {train, dev} as engine data sets; CIFAR standardized with the training set's channel statistics. */
    static Dataset[] load(Args args) throws Exception {
        String kind = args.get("data");
        String[] trainFiles = split(args.get("train"), "train");
        String[] devFiles = split(args.get("dev"), "dev");
        ImageSet train;
        ImageSet dev;
        int classes;
        switch (kind) {
            case "mnist" -> {
                train = MnistReader.read(Path.of(trainFiles[0]), Path.of(trainFiles[1]));
                dev = MnistReader.read(Path.of(devFiles[0]), Path.of(devFiles[1]));
                classes = MnistReader.CLASSES;
            }
            case "cifar10", "cifar100" -> {
                CifarVariant v = kind.equals("cifar10") ? CifarVariant.CIFAR10 : CifarVariant.CIFAR100;
                train = CifarReader.read(v, LabelKind.FINE, paths(trainFiles));
                dev = CifarReader.read(v, LabelKind.FINE, paths(devFiles));
                classes = v.fineClasses;
            }
            default -> throw new IllegalArgumentException("--data must be mnist, cifar10 or cifar100, got '" + kind + "'");
        }
        Dataset tr;
        Dataset dv;
        if (kind.equals("mnist")) {
            tr = ImageData.scaled(images(train), classes);
            dv = ImageData.scaled(images(dev), classes);
        } else {
            double[][] stats = ImageData.channelStats(images(train));
            tr = ImageData.standardized(images(train), classes, stats[0], stats[1]);
            dv = ImageData.standardized(images(dev), classes, stats[0], stats[1]);
        }
        return new Dataset[] {tr, dv};
    }

    /** {train, dev} cut to --trainLimit and --devLimit examples (when positive). */
    static Dataset[] withLimits(Args args, Dataset[] data) {
        int tl = args.getInt("trainLimit");
        int dl = args.getInt("devLimit");
        return new Dataset[] {tl > 0 ? data[0].head(tl) : data[0], dl > 0 ? data[1].head(dl) : data[1]};
    }

    /** {train, dev} added up from a secure run's two stores (--shares STORE0,STORE1), in the servers' order. */
    static Dataset[] fromShares(Args args) throws Exception {
        String[] stores = args.get("shares").split(",");
        if (stores.length != 2) {
            throw new IllegalArgumentException("--shares needs two store roots, server 0's then server 1's, got '"
                    + args.get("shares") + "'");
        }
        // A session of its own on loopback, stopped afterwards (one that already runs, as in tests, is left alone).
        return org.twintrain.jobs.SparkSessions.run("TrainLocal shares",
                org.twintrain.jobs.TwinTrainConf.defaults().with("spark.master", "local[2]"), spark -> {
                    Dataset[] out = new Dataset[2];
                    String[] names = {args.get("trainName"), args.get("devName")};
                    for (int i = 0; i < 2; i++) {
                        SharedDataReconstruction.Data d = SharedDataReconstruction.read(spark, stores[0], stores[1],
                                names[i]);
                        out[i] = new Dataset(d.shape(args.get("inputShape")), d.features(), d.labels(), d.classes());
                    }
                    return out;
                });
    }

    private static String[] split(String s, String what) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--" + what + " files are required");
        }
        return s.split(",");
    }

    private static Path[] paths(String[] files) {
        Path[] p = new Path[files.length];
        for (int i = 0; i < files.length; i++) {
            p[i] = Path.of(files[i]);
        }
        return p;
    }

    /** data-prep's decoded images as the engine's {@link Images} (the arrays are shared). */
    private static Images images(ImageSet s) {
        return new Images(s.channels, s.height, s.width, s.pixels, s.labels);
    }
}
