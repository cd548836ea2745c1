package org.twintrain.sharing.arith;

import org.twintrain.sharing.ring.LongMatrix;

/**
 * The shape of a 2-D convolution: input channels x height x width, output channels, square kernel k, stride
 * and zero padding. A batch of inputs is a batch x (channels * height * width) matrix (channel, row, column
 * order within a row), the output a batch x (outChannels * outHeight * outWidth) matrix in the same order,
 * and the kernel a {@link #patchSize()} x outChannels matrix whose row (c, ky, kx) meets input channel c at
 * kernel offset (ky, kx).
 *
 * <p>Also the gather indices of the generic convolution ({@link Arithmetic#conv2d}): they depend only on the
 * shape and the batch size, so they are public and computed once per JVM (about 300 MB for ResNet-20 at
 * batch 128; the double backend does not use them).
 */
public record ConvGeometry(int channels, int height, int width, int outChannels, int k, int stride, int pad) {

    public ConvGeometry {
        if (channels <= 0 || height <= 0 || width <= 0 || outChannels <= 0 || k <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("convolution geometry must be positive: " + describe(channels, height,
                    width, outChannels, k, stride, pad));
        }
        if (height + 2 * pad < k || width + 2 * pad < k) {
            throw new IllegalArgumentException("kernel does not fit the input: " + describe(channels, height, width,
                    outChannels, k, stride, pad));
        }
    }

    /**
     * A dense layer's product as a convolution: in channels of one pixel, out output channels, kernel 1. Its
     * im2col, col2im and layouts are the identity, so a dense layer can take convolution triples (whose weight
     * gradient reuses the forward's opening of the input and whose input gradient opens nothing).
     */
    public static ConvGeometry pointwise(int in, int out) {
        return new ConvGeometry(in, 1, 1, out, 1, 1, 0);
    }

    /** One pixel, kernel 1: every gather of this geometry is the identity. */
    public boolean isPointwise() {
        return height == 1 && width == 1 && k == 1 && stride == 1 && pad == 0;
    }

    private static String describe(int c, int h, int w, int oc, int k, int s, int p) {
        return c + "x" + h + "x" + w + " -> " + oc + " channels, kernel " + k + ", stride " + s + ", pad " + p;
    }

    public int outHeight() {
        return (height + 2 * pad - k) / stride + 1;
    }

    public int outWidth() {
        return (width + 2 * pad - k) / stride + 1;
    }

    /** Values per input example: channels * height * width. */
    public int inSize() {
        return channels * height * width;
    }

    /** Output positions per channel: outHeight * outWidth. */
    public int outPixels() {
        return outHeight() * outWidth();
    }

    /** Values per output example: outChannels * outPixels. */
    public int outSize() {
        return outChannels * outPixels();
    }

    /** Rows of the kernel matrix: channels * k * k. */
    public int patchSize() {
        return channels * k * k;
    }

    /**
     * The convolution whose forward pass is this one's input gradient when the stride is 1: the output's
     * channels in, the input's channels out, the same kernel size and padding k - 1 - pad, with the kernel
     * flipped in space and its two channel dimensions swapped. Null when that does not hold (stride above 1,
     * or pad above k - 1).
     */
    public ConvGeometry transposed() {
        if (stride != 1 || pad > k - 1) {
            return null;
        }
        return new ConvGeometry(outChannels, outHeight(), outWidth(), channels, k, 1, k - 1 - pad);
    }

    /** im2col index: row (b, oy, ox), column (c, ky, kx) reads input (b, c, oy*s+ky-p, ox*s+kx-p), or -1. */
    public int[] im2colIndex(int batch) {
        return GatherIndexCache.get("im2col " + this + " b" + batch, key -> {
            int oh = outHeight(), ow = outWidth(), ckk = patchSize();
            int[] one = new int[oh * ow * ckk];
            int i = 0;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    for (int ch = 0; ch < channels; ch++) {
                        for (int ky = 0; ky < k; ky++) {
                            int iy = y * stride + ky - pad;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = x * stride + kx - pad;
                                boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                                one[i++] = inside ? (ch * height + iy) * width + ix : -1;
                            }
                        }
                    }
                }
            }
            int[] all = new int[one.length * batch];
            for (int b = 0; b < batch; b++) {
                int off = b * inSize();
                for (int j = 0; j < one.length; j++) {
                    all[b * one.length + j] = one[j] < 0 ? -1 : one[j] + off;
                }
            }
            return all;
        });
    }

    /**
     * Permutation between the product layout (row b*P + p, column oc) and the output layout (row b, column
     * oc*P + p), P = outPixels: toLayout reads product entries in output order, the inverse reads output
     * entries in product order.
     */
    public int[] layoutIndex(int batch, boolean toLayout) {
        return GatherIndexCache.get((toLayout ? "conv->layout " : "layout->conv ") + outChannels + "x" + outPixels()
                + " b" + batch, key -> {
                    int oc = outChannels, p = outPixels();
                    int[] idx = new int[batch * oc * p];
                    for (int b = 0; b < batch; b++) {
                        for (int c = 0; c < oc; c++) {
                            for (int q = 0; q < p; q++) {
                                int layout = b * oc * p + c * p + q;
                                int conv = (b * p + q) * oc + c;
                                if (toLayout) {
                                    idx[layout] = conv;
                                } else {
                                    idx[conv] = layout;
                                }
                            }
                        }
                    }
                    return idx;
                });
    }

    // ---- ring forms of the gathers: shared by the cleartext twin, the two-party conv triples and the dealer ----

    /** im2col of a batch x {@link #inSize()} ring matrix: batch * outPixels x patchSize, 0 where the kernel meets padding. */
    public LongMatrix im2col(LongMatrix x) {
        requireCols(x, inSize(), "im2col input");
        if (isPointwise()) {
            return x;
        }
        int batch = x.rows();
        return x.gather(batch * outPixels(), patchSize(), im2colIndex(batch));
    }

    /** col2im, the adjoint of {@link #im2col}: sums each patch entry back into its input position (batch x inSize). */
    public LongMatrix col2im(LongMatrix cols) {
        requireCols(cols, patchSize(), "col2im input");
        if (isPointwise()) {
            return cols;
        }
        if (cols.rows() % outPixels() != 0) {
            throw new IllegalArgumentException("col2im input has " + cols.rows() + " rows, not a multiple of "
                    + outPixels() + " output pixels");
        }
        int batch = cols.rows() / outPixels();
        return cols.scatterAdd(batch, inSize(), im2colIndex(batch));
    }

    /** A product-layout ring matrix (batch * outPixels x outChannels) in the output layout (batch x outSize). */
    public LongMatrix toLayout(LongMatrix product) {
        requireCols(product, outChannels, "product");
        if (isPointwise()) {
            return product;
        }
        if (product.rows() % outPixels() != 0) {
            throw new IllegalArgumentException("product has " + product.rows() + " rows, not a multiple of "
                    + outPixels() + " output pixels");
        }
        return product.gather(product.rows() / outPixels(), outSize(), layoutIndex(product.rows() / outPixels(), true));
    }

    /** An output-layout ring matrix (batch x outSize) in the product layout (batch * outPixels x outChannels). */
    public LongMatrix fromLayout(LongMatrix y) {
        requireCols(y, outSize(), "output");
        if (isPointwise()) {
            return y;
        }
        return y.gather(y.rows() * outPixels(), outChannels, layoutIndex(y.rows(), false));
    }

    private static void requireCols(LongMatrix x, int cols, String what) {
        if (x.cols() != cols) {
            throw new IllegalArgumentException(what + " is " + x.shape() + ", needs " + cols + " columns");
        }
    }
}
