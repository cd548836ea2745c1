package org.twintrain.ml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.twintrain.engine.Context;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * The work of {@link TwinTrainModel#transform} inside one task: rebuilds the network once per partition (layers
 * keep per-pass state, so every task needs its own), then reads rows in batches, runs the engine's forward
 * pass in double precision on each batch and appends the enabled output columns (rawPrediction, probability,
 * prediction, in that order) to each input row.
 *
 * <p>rawPrediction holds the logits; probability is their exact softmax (the model owner scores in the clear,
 * so no approximation is needed); prediction is the index of the largest logit, the lowest index on ties,
 * exactly as the engine's own evaluation counts accuracy.
 */
final class BatchScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String architecture;
    private final double width;
    private final int depth;
    private final int[] inputShape;
    private final int classes;
    private final boolean batchNorm;
    private final List<String> approximations;
    private final Broadcast<List<Tensor>> tensors;
    private final int featuresIndex;
    private final String featuresCol;
    private final int batchSize;
    private final boolean raw;
    private final boolean probability;
    private final boolean prediction;

    BatchScorer(ModelDescription d, Broadcast<List<Tensor>> tensors, int featuresIndex, String featuresCol,
            int batchSize, boolean raw, boolean probability, boolean prediction) {
        this.architecture = d.architecture();
        this.width = d.width();
        this.depth = d.depth();
        Shape s = d.inputShape();
        this.inputShape = new int[] {s.channels(), s.height(), s.width()};
        this.classes = d.classes();
        this.batchNorm = d.batchNorm();
        this.approximations = d.approximations();
        this.tensors = tensors;
        this.featuresIndex = featuresIndex;
        this.featuresCol = featuresCol;
        this.batchSize = batchSize;
        this.raw = raw;
        this.probability = probability;
        this.prediction = prediction;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        if (!input.hasNext()) {
            return input; // an empty partition needs no network
        }
        ModelDescription d = new ModelDescription(architecture, width, depth,
                new Shape(inputShape[0], inputShape[1], inputShape[2]), classes, batchNorm, 0, approximations, "", "");
        Classifier net = Networks.load(d, tensors.value());
        DoubleArithmetic arith = new DoubleArithmetic(1);
        Context ctx = new Context(arith, d.nonlinearities());
        int size = d.inputShape().size();
        String shape = d.inputShape().toString();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && input.hasNext()) {
                    scoreNextBatch();
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void scoreNextBatch() {
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && input.hasNext()) {
                    batch.add(input.next());
                }
                int n = batch.size();
                double[] x = new double[n * size];
                for (int i = 0; i < n; i++) {
                    readFeatures(batch.get(i), x, i * size, size, shape);
                }
                ctx.at(false, -1, 0, 0);
                Matrix logits = net.net().forward(ctx, arith.fromPublic(n, size, x));
                double[] l = arith.reveal(logits);
                for (int i = 0; i < n; i++) {
                    ready.add(withOutputs(batch.get(i), l, i * classes));
                }
            }
        };
    }

    /** Copies one row's features into x at offset; any other length than the model's input is an error. */
    private void readFeatures(Row row, double[] x, int offset, int size, String shape) {
        Object value = row.get(featuresIndex);
        if (value == null) {
            throw new IllegalArgumentException("column '" + featuresCol + "' is null in a row; the model expects "
                    + size + " values (input shape " + shape + ")");
        }
        if (value instanceof Vector v) {
            if (v.size() != size) {
                throw wrongLength(v.size(), size, shape);
            }
            double[] dense = v.toArray();
            System.arraycopy(dense, 0, x, offset, size);
            return;
        }
        List<Object> values = row.getList(featuresIndex);
        if (values.size() != size) {
            throw wrongLength(values.size(), size, shape);
        }
        for (int j = 0; j < size; j++) {
            Object e = values.get(j);
            if (e == null) {
                throw new IllegalArgumentException("column '" + featuresCol + "' holds a null element at index " + j);
            }
            x[offset + j] = ((Number) e).doubleValue();
        }
    }

    private IllegalArgumentException wrongLength(int got, int size, String shape) {
        return new IllegalArgumentException("column '" + featuresCol + "' holds " + got + " values in a row; the model"
                + " expects " + size + " (input shape " + shape + ")");
    }

    private Row withOutputs(Row in, double[] logits, int from) {
        List<Object> out = new ArrayList<>(in.length() + 3);
        for (int i = 0; i < in.length(); i++) {
            out.add(in.get(i));
        }
        double[] z = java.util.Arrays.copyOfRange(logits, from, from + classes);
        if (raw) {
            out.add(new DenseVector(z));
        }
        if (probability) {
            out.add(new DenseVector(softmax(z)));
        }
        if (prediction) {
            out.add((double) argmax(z));
        }
        return RowFactory.create(out.toArray());
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** The first index of the largest value (the engine's evaluation rule). */
    static int argmax(double[] z) {
        int best = 0;
        for (int j = 1; j < z.length; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }
}
