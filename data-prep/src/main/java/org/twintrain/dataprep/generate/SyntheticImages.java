package org.twintrain.dataprep.generate;

import java.util.Random;

import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.ImageSet;

/** Class-template images with noise (see the package description). */
public final class SyntheticImages {
    private static final int BLOCK = 4;
    private static final double TEMPLATE_WEIGHT = 0.6;

    private SyntheticImages() {
    }

    /**
     * Makes {@code count} images with labels cycling over the classes in a seeded shuffled order.
     *
     * @param seed      fixes the class templates: use the same seed for the training and the test split
     * @param noiseSeed fixes the label order and the noise
     * @param groupOf   class -> group whose template is mixed in half and half (e.g. fine -> coarse), or null
     */
    public static ImageSet make(int count, int classes, int channels, int height, int width, long seed,
                                long noiseSeed, java.util.function.IntUnaryOperator groupOf) {
        Random rnd = new Random(noiseSeed);
        int size = channels * height * width;
        byte[][] templates = new byte[classes][];
        for (int k = 0; k < classes; k++) {
            byte[] own = template(channels, height, width, seed * 7919 + k);
            if (groupOf != null) {
                byte[] group = template(channels, height, width, seed * 7919 + 100_003 + groupOf.applyAsInt(k));
                for (int i = 0; i < size; i++) {
                    own[i] = (byte) (((own[i] & 0xFF) + (group[i] & 0xFF)) / 2);
                }
            }
            templates[k] = own;
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % classes;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        byte[] pixels = new byte[count * size];
        for (int i = 0; i < count; i++) {
            byte[] t = templates[labels[i]];
            for (int p = 0; p < size; p++) {
                double v = TEMPLATE_WEIGHT * (t[p] & 0xFF) + (1 - TEMPLATE_WEIGHT) * rnd.nextInt(256);
                pixels[i * size + p] = (byte) Math.round(v);
            }
        }
        return new ImageSet(count, channels, height, width, pixels, labels, CifarReader.numberedNames(classes));
    }

    private static byte[] template(int channels, int height, int width, long seed) {
        Random rnd = new Random(seed);
        int bh = (height + BLOCK - 1) / BLOCK;
        int bw = (width + BLOCK - 1) / BLOCK;
        int[] blocks = new int[channels * bh * bw];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = rnd.nextInt(256);
        }
        byte[] out = new byte[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out[(c * height + y) * width + x] = (byte) blocks[(c * bh + y / BLOCK) * bw + x / BLOCK];
                }
            }
        }
        return out;
    }
}
