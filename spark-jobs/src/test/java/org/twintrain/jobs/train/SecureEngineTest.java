package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.Param;
import org.twintrain.engine.models.Classifier;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.AdditiveSharing;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;

/**
 * The engine on two parties ({@link EngineProgram#train} on shares) against the same run in the fixed-point
 * emulation, for the dense and the convolutional models, and SecureML's reused data mask on against off.
 */
class SecureEngineTest {
    private static final FixedPoint CODEC = new FixedPoint(16);
    /** Local truncation may differ from the emulation's floor by one unit per truncation; a few steps add up. */
    private static final double TOLERANCE = 256 * CODEC.ulp();

    record Data(int rows, int features, int classes, double[] x, double[] y) {
    }

    static Data data(int rows, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[rows * features];
        double[] y = new double[rows * classes];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < features; j++) {
                x[i * features + j] = r.nextDouble();
                s += j % 2 == 0 ? x[i * features + j] : -x[i * features + j];
            }
            y[i * classes + (s > 0 ? 1 : 0) % classes] = 1.0;
        }
        return new Data(rows, features, classes, x, y);
    }

    static Map<String, String> settings(String model, String width, String shape, int batch, int steps, boolean trick) {
        return TwinTrainConf.defaults().with("model.name", model).with("model.width", width)
                .with("model.inputShape", shape).with("train.batchSize", Integer.toString(batch))
                .with("train.epochs", "10").with("train.maxSteps", Integer.toString(steps))
                .with("train.reuseDataMask", Boolean.toString(trick))
                // These runs compare one protocol with its emulation; telemetry's own test is TelemetryTest.
                .with("train.telemetry.every", "0")
                // The harnesses here run SecureML's local truncation (TwoPartyRunner with LOCAL); the plan must match.
                .with("ring.truncation", "local").asMap();
    }

    /** Revealed parameters of the secure run and party 0's bytes sent. */
    record Secure(Map<String, double[]> params, long bytes) {
    }

    static Secure secure(Map<String, String> settings, Data d) {
        // A fixed dealer seed keeps the run reproducible: with local truncation a pre-activation within one ulp
        // of 0 may take the other ReLU branch than in the emulation (rare), which moves a gradient by more than
        // the truncation tolerance.
        byte[] seed = new byte[32];
        new SplittableRandom(d.rows() * 31L + d.features()).nextBytes(seed);
        Prg prg = new Prg(seed, "test/data");
        AdditiveSharing.MatrixShares xs = AdditiveSharing.split(new LongMatrix(d.rows(), d.features(), CODEC.encode(d.x())), prg);
        AdditiveSharing.MatrixShares ys = AdditiveSharing.split(new LongMatrix(d.rows(), d.classes(), CODEC.encode(d.y())), prg);
        TwoPartyRunner.Result<Map<String, double[]>> r = new TwoPartyRunner(CODEC, TruncationMode.LOCAL, seed).run(a -> {
            Classifier model = EngineProgram.train(a, a.party() == 0 ? xs.share0() : xs.share1(),
                    a.party() == 0 ? ys.share0() : ys.share1(), settings, null);
            return reveal(a, model);
        });
        return new Secure(r.party0(), r.stats0().bytesSent());
    }

    static Map<String, double[]> emulate(Map<String, String> settings, Data d) {
        FixedPointArithmetic a = new FixedPointArithmetic(CODEC);
        Classifier model = EngineProgram.train(a, a.fromPublic(d.rows(), d.features(), d.x()),
                a.fromPublic(d.rows(), d.classes(), d.y()), settings, null);
        return reveal(a, model);
    }

    private static Map<String, double[]> reveal(Arithmetic a, Classifier model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Param p : model.params()) {
            out.put(p.name(), a.reveal(p.value()));
        }
        return out;
    }

    static double maxDifference(Map<String, double[]> want, Map<String, double[]> got) {
        assertEquals(want.keySet(), got.keySet());
        double max = 0;
        for (String name : want.keySet()) {
            double[] w = want.get(name), g = got.get(name);
            assertEquals(w.length, g.length, name);
            for (int i = 0; i < w.length; i++) {
                max = Math.max(max, Math.abs(w[i] - g[i]));
            }
        }
        return max;
    }

    private static void assertSecureMatchesEmulation(Map<String, String> settings, Data d) {
        Map<String, double[]> want = emulate(settings, d);
        Map<String, double[]> initial = reveal(new FixedPointArithmetic(CODEC),
                EngineProgram.model(new FixedPointArithmetic(CODEC), settings, d.features(), d.classes()));
        double moved = maxDifference(initial, want);
        assertTrue(moved > 4 * TOLERANCE, "training moved the weights by " + moved);
        double diff = maxDifference(want, secure(settings, d).params());
        assertTrue(diff <= TOLERANCE, "secure vs emulation: max |difference| " + diff);
    }

    @Test
    void logisticRegression() {
        assertSecureMatchesEmulation(settings("logreg", "1.0", "auto", 16, 4, false), data(64, 20, 10, 1));
    }

    @Test
    void secureMlNetworkAtSmallWidth() {
        assertSecureMatchesEmulation(settings("secureml", "0.0625", "auto", 16, 3, false), data(64, 20, 10, 2));
    }

    @Test
    void smallCnnOn8x8Inputs() {
        assertSecureMatchesEmulation(settings("cnn", "0.25", "1x8x8", 8, 2, false), data(32, 64, 10, 3));
    }

    @Test
    void reusedDataMaskGivesTheSameModelAndSaves8BatchFeatureBytesPerStep() {
        Data d = data(64, 20, 10, 4);
        int batch = 16, steps = 6;
        Secure off = secure(settings("secureml", "0.0625", "auto", batch, steps, false), d);
        Secure on = secure(settings("secureml", "0.0625", "auto", batch, steps, true), d);
        double diff = maxDifference(off.params(), on.params());
        assertTrue(diff <= TOLERANCE, "trick on vs off: max |difference| " + diff);
        // Per step X_b W opens only the other operand (X_b^T G reuses the forward's opening either way); once: the
        // whole X - U.
        long saved = (long) steps * 8 * batch * d.features() - 8L * d.rows() * d.features();
        assertEquals(saved, off.bytes() - on.bytes());
    }

    @Test
    void secureEvaluationRevealsTheCountTheRevealedModelGetsInTheClear() {
        Data train = data(64, 20, 10, 5);
        Data test = data(90, 20, 10, 6);
        Map<String, String> settings = settings("secureml", "0.0625", "auto", 16, 8, false);
        byte[] seed = new byte[32];
        new SplittableRandom(99).nextBytes(seed);
        Prg prg = new Prg(seed, "test/data");
        LongMatrix[] x = split(train.x(), train.rows(), train.features(), prg);
        LongMatrix[] y = split(train.y(), train.rows(), train.classes(), prg);
        LongMatrix[] tx = split(test.x(), test.rows(), test.features(), prg);
        LongMatrix[] ty = split(test.y(), test.rows(), test.classes(), prg);
        record Out(long correct, Map<String, double[]> params) {
        }
        TwoPartyRunner.Result<Out> r = new TwoPartyRunner(CODEC, TruncationMode.LOCAL, seed).run(a -> {
            int p = a.party();
            Classifier model = EngineProgram.train(a, x[p], y[p], settings, null);
            long correct = EngineProgram.correctCount(a, model, tx[p], ty[p], settings, 32);
            return new Out(correct, reveal(a, model));
        });
        assertEquals(r.party0().correct(), r.party1().correct(), "both parties learn the same count");

        Map<String, org.twintrain.sharing.arith.Matrix> params = new LinkedHashMap<>();
        r.party0().params().forEach((name, v) -> {
            org.twintrain.sharing.arith.Matrix shape = EngineProgram.model(new FixedPointArithmetic(CODEC), settings,
                    20, 10).params().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow().value();
            params.put(name, new org.twintrain.sharing.arith.DoubleMatrix(shape.rows(), shape.cols(), v));
        });
        Classifier revealed = EngineProgram.withParameters(settings, 20, 10, params);
        float[] features = new float[test.x().length];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) test.x()[i];
        }
        int[] labels = new int[test.rows()];
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < 10; c++) {
                labels[i] = test.y()[i * 10 + c] == 1.0 ? c : labels[i];
            }
        }
        long clear = Math.round(EngineProgram.accuracy(revealed, settings, features, labels) * test.rows());
        assertEquals(clear, r.party0().correct());
        assertTrue(clear > 0 && clear < test.rows(), "a count that says something: " + clear);
    }

    private static LongMatrix[] split(double[] values, int rows, int cols, Prg prg) {
        AdditiveSharing.MatrixShares s = AdditiveSharing.split(new LongMatrix(rows, cols, CODEC.encode(values)), prg);
        return new LongMatrix[] {s.share0(), s.share1()};
    }
}
