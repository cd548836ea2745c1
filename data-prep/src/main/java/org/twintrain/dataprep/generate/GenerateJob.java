package org.twintrain.dataprep.generate;

import java.nio.file.Path;

/**
 * Writes the generated data sets for the demo:
 * {@code GenerateJob --output DIR [--seed N] [--scale N]} creates {@code DIR/cifar10} (2 batches of 500*scale,
 * test 200*scale, plus the release tarball), {@code DIR/cifar100} (train 1000*scale, test 500*scale, plus tarball),
 * {@code DIR/mnist} (train 1000*scale, test 200*scale) and {@code DIR/text} (train 2000*scale pairs, dev 200*scale,
 * 300 words). Plain Java, no Spark.
 */
public final class GenerateJob {
    private GenerateJob() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        long seed = 1;
        int scale = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--output" -> out = Path.of(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--scale" -> scale = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || args.length % 2 != 0) {
            System.err.println("usage: GenerateJob --output DIR [--seed N] [--scale N]");
            System.exit(2);
        }
        Generators.cifar10(out.resolve("cifar10"), 2, 500 * scale, 200 * scale, seed, true);
        Generators.cifar100(out.resolve("cifar100"), 1000 * scale, 500 * scale, seed, true);
        Generators.mnist(out.resolve("mnist"), 1000 * scale, 200 * scale, seed);
        Generators.parallelText(out.resolve("text"), 2000 * scale, 200 * scale, 300, seed);
        System.out.println("generated cifar10, cifar100, mnist, text under " + out);
    }
}
