package org.twintrain.engine.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.twintrain.engine.Layer;
import org.twintrain.engine.Shape;
import org.twintrain.engine.layers.BatchNorm;
import org.twintrain.engine.layers.Conv2d;
import org.twintrain.engine.layers.Dense;
import org.twintrain.engine.layers.Flatten;
import org.twintrain.engine.layers.PadShortcut;
import org.twintrain.engine.layers.Pool;
import org.twintrain.engine.layers.Relu;
import org.twintrain.engine.layers.Residual;
import org.twintrain.engine.layers.Sequential;
import org.twintrain.sharing.arith.Arithmetic;

/**
 * Builds the named models with seeded public initialization. {@code width} multiplies channel or unit
 * counts (at least 1 each); {@code depth} is the model's own depth parameter (see {@link #build}).
 * {@code batchNorm=false} drops batch norm (required on two parties) and gives convolutions a bias instead.
 */
public final class Models {
    private Models() {
    }

    /** The names {@link #build} knows. */
    public static final List<String> NAMES = List.of("logreg", "secureml", "cnn", "resnet18", "resnet");

    /**
     * @param name  logreg (depth ignored, 1); secureml (depth = hidden layers, 2 in the paper; 128 units x
     *              width); cnn (depth = conv blocks of conv3x3-maxpool2-ReLU, 16*2^i x width channels);
     *              resnet18 (depth = blocks per stage, 2; stem 3x3, no max-pool, channels 64..512 x width);
     *              resnet (He et al. CIFAR, depth = 6n+2: 20, 32, ...; channels 16, 32, 64 x width)
     */
    public static Classifier build(String name, Arithmetic a, long seed, Shape in, int classes, double width, int depth,
            boolean batchNorm) {
        Builder b = new Builder(a, new SplittableRandom(seed), in, batchNorm);
        switch (name) {
            case "logreg" -> {
                b.flatten();
                b.dense(classes, false);
                depth = 1;
            }
            case "secureml" -> {
                b.flatten();
                for (int i = 0; i < depth; i++) {
                    b.dense(scaled(128, width), true);
                    b.relu();
                }
                b.dense(classes, false);
            }
            case "cnn" -> {
                for (int i = 0; i < depth; i++) {
                    b.conv(scaled(16 << i, width), 3, 1, 1);
                    // max-pool, then ReLU: they commute (both monotone), and the ReLU then compares a quarter of
                    // the values (on two parties a quarter of its comparisons and bytes)
                    b.add(new Pool(b.name("maxpool"), Pool.Kind.MAX, b.shape, 2, 2));
                    b.relu();
                }
                b.flatten();
                b.dense(classes, false);
            }
            case "resnet18" -> {
                b.conv(scaled(64, width), 3, 1, 1);
                b.relu();
                int[] channels = {64, 128, 256, 512};
                for (int s = 0; s < 4; s++) {
                    for (int k = 0; k < depth; k++) {
                        b.basicBlock(scaled(channels[s], width), s > 0 && k == 0 ? 2 : 1, true);
                    }
                }
                b.head(classes);
            }
            case "resnet" -> {
                if (depth < 8 || (depth - 2) % 6 != 0) {
                    throw new IllegalArgumentException("resnet depth must be 6n+2 (20, 32, 44, ...), got " + depth);
                }
                int n = (depth - 2) / 6;
                b.conv(scaled(16, width), 3, 1, 1);
                b.relu();
                int[] channels = {16, 32, 64};
                for (int s = 0; s < 3; s++) {
                    for (int k = 0; k < n; k++) {
                        b.basicBlock(scaled(channels[s], width), s > 0 && k == 0 ? 2 : 1, false);
                    }
                }
                b.head(classes);
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + NAMES);
        }
        return new Classifier(name, width, depth, new Sequential(name, b.layers), classes);
    }

    private static int scaled(int units, double width) {
        return Math.max(1, (int) Math.round(units * width));
    }

    /** Tracks the current shape and numbers the layers. */
    private static final class Builder {
        final Arithmetic a;
        final SplittableRandom rng;
        final boolean batchNorm;
        final List<Layer> layers = new ArrayList<>();
        Shape shape;
        int counter;

        Builder(Arithmetic a, SplittableRandom rng, Shape in, boolean batchNorm) {
            this.a = a;
            this.rng = rng;
            this.shape = in;
            this.batchNorm = batchNorm;
        }

        String name(String kind) {
            return kind + (counter++);
        }

        void add(Layer l) {
            layers.add(l);
            shape = l.outputShape();
        }

        void flatten() {
            add(new Flatten(name("flatten"), shape));
        }

        void dense(int out, boolean relu) {
            add(new Dense(name("dense"), a, rng.split(), shape, out, relu));
        }

        void relu() {
            add(new Relu(name("relu"), shape));
        }

        /** conv (+ batch norm when enabled; the conv then has no bias). */
        void conv(int out, int k, int stride, int pad) {
            for (Layer l : convBn(shape, out, k, stride, pad)) {
                add(l);
            }
        }

        List<Layer> convBn(Shape in, int out, int k, int stride, int pad) {
            List<Layer> ls = new ArrayList<>();
            Conv2d c = new Conv2d(name("conv"), a, rng.split(), in, out, k, stride, pad, !batchNorm);
            ls.add(c);
            if (batchNorm) {
                ls.add(new BatchNorm(name("bn"), a, c.outputShape()));
            }
            return ls;
        }

        /** conv3x3-(bn)-relu-conv3x3-(bn) + shortcut, then relu. projection: 1x1 conv shortcut, else option A. */
        void basicBlock(int out, int stride, boolean projection) {
            String block = name("block");
            List<Layer> main = new ArrayList<>(convBn(shape, out, 3, stride, 1));
            Shape mid = main.get(main.size() - 1).outputShape();
            main.add(new Relu(name("relu"), mid));
            main.addAll(convBn(mid, out, 3, 1, 1));
            Sequential mainPath = new Sequential(block + ".main", main);
            Layer shortcut = null;
            if (stride != 1 || out != shape.channels()) {
                shortcut = projection
                        ? new Sequential(block + ".proj", convBn(shape, out, 1, stride, 0))
                        : new PadShortcut(name("pad"), shape, out, stride);
            }
            add(new Residual(block, mainPath, shortcut));
            relu();
        }

        /** Global average pool and the classifier. */
        void head(int classes) {
            add(Pool.globalAverage(name("avgpool"), shape));
            dense(classes, false);
        }
    }
}
