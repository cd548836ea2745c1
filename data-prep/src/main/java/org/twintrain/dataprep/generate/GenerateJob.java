package org.twintrain.dataprep.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes one generated data set in its release format (behind {@code submit/twintrain generate}):
 * {@code GenerateJob --dataset NAME --output DIR [--seed N] [--scale N]} writes the files of NAME into DIR:
 * {@code cifar10} (2 batches of 500*scale, test 200*scale, plus the release tarball), {@code cifar100} (train
 * 1000*scale, test 500*scale, plus tarball), {@code mnist} (train 1000*scale, test 200*scale) or {@code text}
 * (train 2000*scale pairs, dev 200*scale, 300 words). Plain Java, no Spark.
 */
public final class GenerateJob {
    /** The data sets it can generate. */
    public static final List<String> DATASETS = List.of("cifar10", "cifar100", "mnist", "text");

    private GenerateJob() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("generate: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Parses the options and writes the data set; returns the line to print. */
    public static String run(String... args) throws IOException {
        String dataset = null;
        Path out = null;
        long seed = 1;
        int scale = 1;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--dataset" -> dataset = v;
                case "--output" -> out = Path.of(v);
                case "--seed" -> seed = number(args[i], v);
                case "--scale" -> scale = (int) number(args[i], v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --dataset " + String.join("|", DATASETS) + " --output DIR [--seed N] [--scale N])");
            }
        }
        if (dataset == null || out == null) {
            throw new IllegalArgumentException("missing required option " + (dataset == null ? "--dataset" : "--output")
                    + " (usage: --dataset " + String.join("|", DATASETS) + " --output DIR [--seed N] [--scale N])");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("--scale must be at least 1, got " + scale);
        }
        switch (dataset) {
            case "cifar10" -> Generators.cifar10(out, 2, 500 * scale, 200 * scale, seed, true);
            case "cifar100" -> Generators.cifar100(out, 1000 * scale, 500 * scale, seed, true);
            case "mnist" -> Generators.mnist(out, 1000 * scale, 200 * scale, seed);
            case "text" -> Generators.parallelText(out, 2000 * scale, 200 * scale, 300, seed);
            default -> throw new IllegalArgumentException("unknown data set '" + dataset + "'; one of "
                    + String.join(", ", DATASETS));
        }
        return "generated " + dataset + " (seed " + seed + ", scale " + scale + ") in " + out;
    }

    private static long number(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got '" + v + "'");
        }
    }
}
