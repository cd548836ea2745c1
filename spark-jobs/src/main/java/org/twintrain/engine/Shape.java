package org.twintrain.engine;

/** The shape of one example: channels x height x width (a flat vector is C x 1 x 1). */
public record Shape(int channels, int height, int width) {

    public Shape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    public static Shape flat(int n) {
        return new Shape(n, 1, 1);
    }

    /** Values per example: the number of columns of a batch matrix. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
