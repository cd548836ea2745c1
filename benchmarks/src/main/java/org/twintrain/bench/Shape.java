package org.twintrain.bench;

/**
 * A matrix-product shape m x k x n (an m x k matrix times a k x n one), written "128x784x128" in benchmark
 * parameters.
 */
public record Shape(int m, int k, int n) {

    public static Shape parse(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("shape must look like 128x784x128, got '" + text + "'");
        }
        return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    /** Multiply-adds of one product. */
    public long multiplyAdds() {
        return (long) m * k * n;
    }

    @Override
    public String toString() {
        return m + "x" + k + "x" + n;
    }
}
