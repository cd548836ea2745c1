package org.twintrain.dataprep.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.ImageSet;

/**
 * Writes small seeded data sets in the release layouts (file names as in the official downloads), each into
 * its own folder.
 */
public final class Generators {
    /** The official CIFAR-10 class names, written to {@code batches.meta.txt}. */
    public static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    /** CIFAR-100 fine classes per coarse class in the generated sets: coarse = fine / 5. */
    public static final int FINE_PER_COARSE = 5;

    private Generators() {
    }

    /**
     * CIFAR-10: {@code data_batch_1..batches.bin} of {@code perBatch} images each, {@code test_batch.bin} of
     * {@code test} images, {@code batches.meta.txt}; with {@code tarball}, also {@code cifar-10-binary.tar.gz}
     * holding the same files under {@code cifar-10-batches-bin/}.
     */
    public static void cifar10(Path dir, int batches, int perBatch, int test, long seed, boolean tarball)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("batches.meta.txt", FormatWriters.lines(CIFAR10_NAMES));
        for (int b = 1; b <= batches; b++) {
            ImageSet set = cifarImages(perBatch, 10, seed, seed + b, null);
            files.put("data_batch_" + b + ".bin", FormatWriters.cifarBytes(set, CifarVariant.CIFAR10, null));
        }
        ImageSet testSet = cifarImages(test, 10, seed, seed + 1000, null);
        files.put("test_batch.bin", FormatWriters.cifarBytes(testSet, CifarVariant.CIFAR10, null));
        writeAll(dir, files, tarball ? "cifar-10-binary.tar.gz" : null, "cifar-10-batches-bin/");
    }

    /**
     * CIFAR-100: {@code train.bin}, {@code test.bin}, {@code fine_label_names.txt} ({@code fine_00..}),
     * {@code coarse_label_names.txt} ({@code coarse_00..}); with {@code tarball}, also
     * {@code cifar-100-binary.tar.gz} under {@code cifar-100-binary/}.
     */
    public static void cifar100(Path dir, int train, int test, long seed, boolean tarball) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("coarse_label_names.txt", FormatWriters.lines(names("coarse_", 20)));
        files.put("fine_label_names.txt", FormatWriters.lines(names("fine_", 100)));
        files.put("train.bin", cifar100Bytes(train, seed, seed + 1));
        files.put("test.bin", cifar100Bytes(test, seed, seed + 1000));
        writeAll(dir, files, tarball ? "cifar-100-binary.tar.gz" : null, "cifar-100-binary/");
    }

    /** MNIST-like 28x28 digits: {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, t10k-*. */
    public static void mnist(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        writeMnist(dir, "train", SyntheticImages.make(train, 10, 1, 28, 28, seed, seed + 1, null));
        writeMnist(dir, "t10k", SyntheticImages.make(test, 10, 1, 28, 28, seed, seed + 1000, null));
    }

    /**
     * Parallel text {@code train.en/.fr} and {@code dev.en/.fr}: sentences of 3..12 words drawn with a skewed
     * (Zipf-like) frequency from {@code words} pseudo-words, capitalized, ending in "." glued to the last word;
     * the French side maps every word through a fixed bijection, in the same order.
     */
    public static void parallelText(Path dir, int train, int dev, int words, long seed) throws IOException {
        Files.createDirectories(dir);
        String[] src = new String[words];
        String[] tgt = new String[words];
        for (int i = 0; i < words; i++) {
            src[i] = pseudoWord(i, new String[] {"ka", "lo", "mi", "nu", "pe", "ra", "si", "to"});
            tgt[i] = pseudoWord(i, new String[] {"bé", "da", "fo", "gu", "jé", "vi", "zo", "xa"}) + "e";
        }
        writeText(dir, "train", train, src, tgt, new Random(seed));
        writeText(dir, "dev", dev, src, tgt, new Random(seed + 1000));
    }

    private static void writeText(Path dir, String split, int pairs, String[] src, String[] tgt, Random rnd)
            throws IOException {
        List<String> en = new ArrayList<>(pairs);
        List<String> fr = new ArrayList<>(pairs);
        for (int p = 0; p < pairs; p++) {
            int len = 3 + rnd.nextInt(10);
            StringBuilder s = new StringBuilder();
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < len; w++) {
                double u = rnd.nextDouble();
                int word = (int) (src.length * u * u * u);
                String sw = src[word];
                String tw = tgt[word];
                if (w == 0) {
                    sw = Character.toUpperCase(sw.charAt(0)) + sw.substring(1);
                    tw = Character.toUpperCase(tw.charAt(0)) + tw.substring(1);
                } else {
                    s.append(' ');
                    t.append(' ');
                }
                s.append(sw);
                t.append(tw);
            }
            en.add(s.append('.').toString());
            fr.add(t.append('.').toString());
        }
        Files.write(dir.resolve(split + ".en"), FormatWriters.lines(en));
        Files.write(dir.resolve(split + ".fr"), FormatWriters.lines(fr));
    }

    private static String pseudoWord(int index, String[] syllables) {
        StringBuilder sb = new StringBuilder();
        int i = index;
        do {
            sb.append(syllables[i % syllables.length]);
            i /= syllables.length;
        } while (i > 0);
        return sb.toString();
    }

    private static ImageSet cifarImages(int count, int classes, long seed, long noiseSeed,
                                        java.util.function.IntUnaryOperator groupOf) {
        return SyntheticImages.make(count, classes, CifarVariant.CHANNELS, CifarVariant.SIDE, CifarVariant.SIDE,
                seed, noiseSeed, groupOf);
    }

    private static byte[] cifar100Bytes(int count, long seed, long noiseSeed) {
        ImageSet set = cifarImages(count, 100, seed, noiseSeed, fine -> fine / FINE_PER_COARSE);
        int[] coarse = Arrays.stream(set.labels).map(fine -> fine / FINE_PER_COARSE).toArray();
        return FormatWriters.cifarBytes(set, CifarVariant.CIFAR100, coarse);
    }

    private static void writeMnist(Path dir, String prefix, ImageSet set) throws IOException {
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), FormatWriters.gzip(FormatWriters.idxImagesBytes(set)));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), FormatWriters.gzip(FormatWriters.idxLabelsBytes(set.labels)));
    }

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%s%02d", prefix, i));
        }
        return out;
    }

    private static void writeAll(Path dir, Map<String, byte[]> files, String tarball, String tarFolder)
            throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        if (tarball != null) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            files.forEach((name, bytes) -> entries.put(tarFolder + name, bytes));
            FormatWriters.writeTarGz(dir.resolve(tarball), entries);
        }
    }
}
