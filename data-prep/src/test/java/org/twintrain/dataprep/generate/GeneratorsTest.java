package org.twintrain.dataprep.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;

/** The generated sets are learnable: a nearest-class-mean classifier fit on train beats chance clearly on test. */
class GeneratorsTest {
    @TempDir
    Path dir;

    @Test
    void cifar10IsLearnable() throws IOException {
        Generators.cifar10(dir, 2, 200, 200, 42, false);
        ImageSet train = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE,
                dir.resolve("data_batch_1.bin"), dir.resolve("data_batch_2.bin"));
        ImageSet test = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE, dir.resolve("test_batch.bin"));
        double acc = nearestMeanAccuracy(train, test);
        assertTrue(acc > 0.8, "accuracy " + acc + " vs chance 0.1");
    }

    @Test
    void cifar100FineAndCoarseAreLearnable() throws IOException {
        Generators.cifar100(dir, 1000, 500, 42, false);
        for (LabelKind kind : LabelKind.values()) {
            ImageSet train = CifarReader.read(CifarVariant.CIFAR100, kind, dir.resolve("train.bin"));
            ImageSet test = CifarReader.read(CifarVariant.CIFAR100, kind, dir.resolve("test.bin"));
            double acc = nearestMeanAccuracy(train, test);
            double chance = 1.0 / train.classNames.length;
            assertTrue(acc > 10 * chance, kind + " accuracy " + acc + " vs chance " + chance);
        }
    }

    @Test
    void mnistIsLearnable() throws IOException {
        Generators.mnist(dir, 300, 200, 42);
        ImageSet train = MnistReader.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
        ImageSet test = MnistReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        double acc = nearestMeanAccuracy(train, test);
        assertTrue(acc > 0.8, "accuracy " + acc + " vs chance 0.1");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        Generators.parallelText(dir.resolve("a"), 50, 10, 100, 3);
        Generators.parallelText(dir.resolve("b"), 50, 10, 100, 3);
        Generators.parallelText(dir.resolve("c"), 50, 10, 100, 4);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/train.fr")), Files.readAllBytes(dir.resolve("b/train.fr")));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/train.fr")),
                Files.readAllBytes(dir.resolve("c/train.fr"))));
    }

    @Test
    void generateJobWritesOnlyTheDataSetAskedFor() throws Exception {
        String line = GenerateJob.run("--dataset", "cifar10", "--output", dir.resolve("c10").toString(), "--seed", "3");
        assertTrue(line.startsWith("generated cifar10"), line);
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("c10")), files.toList(), "only the folder asked for");
        }
        for (String f : new String[] {"data_batch_2.bin", "cifar-10-binary.tar.gz", "test_batch.bin"}) {
            assertTrue(Files.size(dir.resolve("c10").resolve(f)) > 0, f);
        }
        try (var files = Files.list(dir.resolve("c10"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("idx")
                    || f.getFileName().toString().startsWith("train.")), "no other data set's files");
        }
        ImageSet test = CifarReader.readTarball(dir.resolve("c10/cifar-10-binary.tar.gz"), CifarVariant.CIFAR10,
                LabelKind.FINE, false);
        assertTrue(test.count == 200, "test count " + test.count);
        GenerateJob.run("--dataset", "mnist", "--output", dir.resolve("m").toString());
        assertTrue(Files.size(dir.resolve("m/t10k-labels-idx1-ubyte.gz")) > 0);
        GenerateJob.run("--dataset", "cifar100", "--output", dir.resolve("c100").toString());
        assertTrue(Files.size(dir.resolve("c100/cifar-100-binary.tar.gz")) > 0);
        GenerateJob.run("--dataset", "text", "--output", dir.resolve("t").toString());
        assertTrue(Files.size(dir.resolve("t/dev.fr")) > 0);
    }

    @Test
    void generateJobRefusesAMissingOrUnknownDataSet() {
        IllegalArgumentException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GenerateJob.run("--output", dir.toString()));
        assertTrue(missing.getMessage().startsWith("missing required option --dataset"), missing.getMessage());
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GenerateJob.run("--dataset", "imagenet", "--output", dir.toString()));
        assertTrue(unknown.getMessage().contains("unknown data set 'imagenet'"), unknown.getMessage());
    }

    private static double nearestMeanAccuracy(ImageSet train, ImageSet test) {
        int classes = train.classNames.length;
        int size = train.imageSize();
        double[][] means = new double[classes][size];
        long[] counts = train.classCounts();
        for (int i = 0; i < train.count; i++) {
            for (int p = 0; p < size; p++) {
                means[train.labels[i]][p] += (train.pixels[i * size + p] & 0xFF) / (double) counts[train.labels[i]];
            }
        }
        int correct = 0;
        for (int i = 0; i < test.count; i++) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) {
                double d = 0;
                for (int p = 0; p < size; p++) {
                    double diff = (test.pixels[i * size + p] & 0xFF) - means[k][p];
                    d += diff * diff;
                }
                if (d < bestDist) {
                    bestDist = d;
                    best = k;
                }
            }
            if (best == test.labels[i]) {
                correct++;
            }
        }
        return correct / (double) test.count;
    }
}
