package org.twintrain.engine.train;

/**
 * Decoded images as the engine takes them, so that the engine needs no data-prep reader: unsigned bytes (0..255),
 * image after image, each channel-major (CHW), and one label per image. The commands fill it from data-prep's
 * readers ({@code ImageSet}); the arrays are shared, not copied.
 */
public record Images(int channels, int height, int width, byte[] pixels, int[] labels) {

    public Images {
        if (channels <= 0 || height <= 0 || width <= 0
                || pixels.length != (long) labels.length * channels * height * width) {
            throw new IllegalArgumentException("images: " + pixels.length + " bytes for " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    public int count() {
        return labels.length;
    }
}
