package org.twintrain.dataprep.format;

import java.util.Arrays;

/**
 * A decoded set of images with integer labels. Pixels are unsigned bytes (0..255), image after image, each
 * image channel-major (CHW): {@code pixels[((i * channels + c) * height + y) * width + x]}.
 */
public final class ImageSet {
    public final int count;
    public final int channels;
    public final int height;
    public final int width;
    /** {@code count * channels * height * width} unsigned bytes, CHW per image. */
    public final byte[] pixels;
    /** One label per image, each in {@code [0, classNames.length)}. */
    public final int[] labels;
    /** Class names in label order (from the meta files, or the label numbers when there is no meta file). */
    public final String[] classNames;

    public ImageSet(int count, int channels, int height, int width, byte[] pixels, int[] labels, String[] classNames) {
        if (pixels.length != (long) count * channels * height * width) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, expected "
                    + count + "x" + channels + "x" + height + "x" + width);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected " + count);
        }
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = classNames;
    }

    /** Bytes per image: channels * height * width. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Unsigned value of one pixel. */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[((image * channels + channel) * height + y) * width + x] & 0xFF;
    }

    /** Images per class, indexed by label. */
    public long[] classCounts() {
        long[] counts = new long[classNames.length];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** Concatenates image sets of equal shape and class names (e.g. several training batches). */
    public static ImageSet concat(ImageSet... parts) {
        ImageSet first = parts[0];
        int total = 0;
        for (ImageSet p : parts) {
            if (p.channels != first.channels || p.height != first.height || p.width != first.width) {
                throw new IllegalArgumentException("image shapes differ");
            }
            total += p.count;
        }
        byte[] pixels = new byte[total * first.imageSize()];
        int[] labels = new int[total];
        int at = 0;
        for (ImageSet p : parts) {
            System.arraycopy(p.pixels, 0, pixels, at * first.imageSize(), p.pixels.length);
            System.arraycopy(p.labels, 0, labels, at, p.count);
            at += p.count;
        }
        return new ImageSet(total, first.channels, first.height, first.width, pixels, labels, first.classNames);
    }

    @Override
    public String toString() {
        return "ImageSet[" + count + "x" + channels + "x" + height + "x" + width + ", classes="
                + classNames.length + ", perClass=" + Arrays.toString(classCounts()) + "]";
    }
}
