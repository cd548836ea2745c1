package org.twintrain.jobs.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.twintrain.dataprep.format.IdxReader;
import org.twintrain.engine.telemetry.TelemetryReport;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.AdditiveSharing;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;

/**
 * Not a test: a secure MNIST run on two parties in this JVM (in-memory channel, dealer triples) that prints the
 * telemetry part of the progress line every train.progressEvery steps and the dev accuracy (computed on shares)
 * at the end; for docs/telemetry.md. Arguments: MNIST folder, training rows, then key=value settings.
 *
 * <pre>
 * java -cp "spark-jobs/target/test-classes:spark-jobs/target/classes:$(cat spark-jobs/target/classpath.txt)" \
 *   org.twintrain.jobs.train.TelemetryMnistProbe ../shared/data/mnist 60000 model.name=secureml approx.exp=taylor:2 \
 *   train.epochs=2 train.telemetry.every=10 train.progressEvery=100
 * </pre>
 */
public final class TelemetryMnistProbe {
    private TelemetryMnistProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        TwinTrainConf conf = TwinTrainConf.defaults();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            conf = conf.with(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Map<String, String> settings = conf.asMap();
        double[][] train = read(dir, "train", rows);
        double[][] dev = read(dir, "t10k-dev", Integer.MAX_VALUE);
        FixedPoint codec = new FixedPoint(conf.getInt("ring.fractionalBits"));
        TruncationMode mode = TruncationMode.parse(conf.get("ring.truncation"));
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        Prg prg = new Prg(seed, "probe/data");
        LongMatrix[][] t = share(train, codec, prg), d = share(dev, codec, prg);
        long every = conf.getLong("train.progressEvery");
        long start = System.nanoTime();
        TwoPartyRunner.Result<Long> r = new TwoPartyRunner(codec, mode, seed, java.time.Duration.ofMinutes(2),
                java.time.Duration.ofHours(3)).run(a -> {
                    int p = a.party();
                    Map<String, Long> overflow = new LinkedHashMap<>();
                    long[] failures = {-1};
                    int[] checks = {0};
                    EngineProgram.StepListener listener = new EngineProgram.StepListener() {
                        @Override
                        public void afterStep(long step, long total) {
                            if (p == 0 && (step % every == 0 || step == total)) {
                                System.out.printf(Locale.ROOT, "step %d/%d, %.0f s%s%n", step, total,
                                        (System.nanoTime() - start) / 1e9,
                                        EngineProgram.Progress.telemetryPart(checks[0], overflow, failures[0]));
                                overflow.clear();
                                failures[0] = -1;
                                checks[0] = 0;
                            }
                        }

                        @Override
                        public void telemetry(TelemetryReport report) {
                            report.overflow().forEach((layer, n) -> overflow.merge(layer, n, Long::sum));
                            if (!report.failures().isEmpty()) {
                                failures[0] = Math.max(failures[0], 0) + report.totalFailures();
                            }
                            checks[0]++;
                        }
                    };
                    var model = EngineProgram.train(a, t[0][p], t[1][p], settings, listener);
                    return EngineProgram.correctCount(a, model, d[0][p], d[1][p], settings, 256);
                });
        System.out.printf(Locale.ROOT, "dev accuracy (on shares): %d / %d%n", r.party0(), dev[1].length / 10);
    }

    /** {features, one-hot labels} of the first n rows of an IDX pair, pixels in [0, 1]. */
    private static double[][] read(Path dir, String prefix, int n) throws java.io.IOException {
        IdxReader.Images images = IdxReader.readImages(existing(dir, prefix + "-images-idx3-ubyte"));
        int[] labels = IdxReader.readLabels(existing(dir, prefix + "-labels-idx1-ubyte"));
        int rows = Math.min(n, images.count());
        int f = images.rows() * images.cols();
        double[] x = new double[rows * f], y = new double[rows * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images.pixels()[i] & 0xff) / 255.0;
        }
        for (int i = 0; i < rows; i++) {
            y[i * 10 + labels[i]] = 1.0;
        }
        return new double[][] {x, y};
    }

    private static LongMatrix[][] share(double[][] xy, FixedPoint codec, Prg prg) {
        int rows = xy[1].length / 10;
        AdditiveSharing.MatrixShares x = AdditiveSharing.split(new LongMatrix(rows, xy[0].length / rows, codec.encode(xy[0])), prg);
        AdditiveSharing.MatrixShares y = AdditiveSharing.split(new LongMatrix(rows, 10, codec.encode(xy[1])), prg);
        return new LongMatrix[][] {{x.share0(), x.share1()}, {y.share0(), y.share1()}};
    }

    private static Path existing(Path dir, String name) {
        for (String n : new String[] {name, name + ".gz"}) {
            if (Files.exists(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new IllegalArgumentException(dir + " has no " + name + "[.gz]");
    }
}
