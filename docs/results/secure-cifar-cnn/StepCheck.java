import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.twintrain.engine.train.Checkpoint;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * Issue 17 experiment (step-check.sh): do the secure replicates (group A) and the emulation's (group B) of the
 * same first steps differ in distribution? Each replicate's weights and momentum velocities are decoded from
 * its fixed-point checkpoint and compared with double precision's (whose velocities v are scaled by the rate LR,
 * because the fixed-point optimizer keeps u = lr v). Three statistics, each with a permutation test over the
 * group labels (two-sided, 2,000 relabellings, seed 17):
 * <ul>
 * <li>shift: the RMS distance between the two groups' mean vectors, against the same for random relabellings:
 * a systematic difference between the arithmetics moves one group's mean;</li>
 * <li>distance: the ratio of the groups' mean RMS distance from double precision;</li>
 * <li>spread: the ratio of the groups' mean squared distance from their own mean (the rounding noise).</li>
 * </ul>
 * Usage: {@code java -cp CLASSES:CP StepCheck DOUBLE.ckpt LR "A1.ckpt A2.ckpt ..." "B1.ckpt B2.ckpt ..."}
 */
public final class StepCheck {
    private static final int PERMUTATIONS = 2000;

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: StepCheck DOUBLE.ckpt LR \"A ckpts\" \"B ckpts\"");
        }
        Checkpoint.Contents reference = Checkpoint.read(Path.of(args[0]));
        double lr = Double.parseDouble(args[1]);
        List<Checkpoint.Contents> a = readAll(args[2]);
        List<Checkpoint.Contents> b = readAll(args[3]);
        for (boolean velocities : new boolean[] {false, true}) {
            String what = velocities ? "velocities (u = lr v)" : "params";
            double[] ref = flatten(reference, velocities, velocities ? lr : 1);
            List<double[]> all = new ArrayList<>();
            for (Checkpoint.Contents c : a) {
                all.add(flatten(c, velocities, 1));
            }
            for (Checkpoint.Contents c : b) {
                all.add(flatten(c, velocities, 1));
            }
            report(what, ref, all, a.size(), reference, velocities, a, b, lr);
        }
    }

    private static void report(String what, double[] ref, List<double[]> all, int sizeA,
            Checkpoint.Contents reference, boolean velocities, List<Checkpoint.Contents> a,
            List<Checkpoint.Contents> b, double lr) {
        int n = all.size();
        double[] fromDouble = new double[n];
        for (int i = 0; i < n; i++) {
            fromDouble[i] = rms(all.get(i), ref);
        }
        System.out.printf("%s: %d values; RMS distance from double, group A: %s%n", what, ref.length,
                list(fromDouble, 0, sizeA));
        System.out.printf("%s: RMS distance from double, group B: %s%n", what, list(fromDouble, sizeA, n));
        System.out.printf("%s: RMS of double's own values %.4e%n", what, rms(ref, new double[ref.length]));
        boolean[] isA = new boolean[n];
        for (int i = 0; i < sizeA; i++) {
            isA[i] = true;
        }
        double[] observed = statistics(all, fromDouble, isA);
        int[] asExtreme = new int[3];
        Random random = new Random(17);
        for (int p = 0; p < PERMUTATIONS; p++) {
            boolean[] labels = shuffled(isA, random);
            double[] s = statistics(all, fromDouble, labels);
            if (s[0] >= observed[0]) {
                asExtreme[0]++;
            }
            for (int k = 1; k < 3; k++) {
                if (Math.abs(Math.log(s[k])) >= Math.abs(Math.log(observed[k])) - 1e-12) {
                    asExtreme[k]++;
                }
            }
        }
        String[] names = {"shift (RMS between group means)", "distance from double, mean A / mean B",
            "spread around own mean, A / B"};
        for (int k = 0; k < 3; k++) {
            System.out.printf("%s: %s %.4e, permutation p = %.3f%n", what, names[k], observed[k],
                    (asExtreme[k] + 1.0) / (PERMUTATIONS + 1.0));
        }
        System.out.printf("%s: per tensor, mean RMS distance from double (A | B):%n", what);
        Map<String, Matrix> refGroup = velocities ? reference.velocities() : reference.params();
        for (String name : refGroup.keySet()) {
            double[] r = decode(refGroup.get(name), reference.fractionalBits(), velocities ? lr : 1);
            System.out.printf("  %-10s %7d  %.4e | %.4e%n", name, r.length, meanDistance(a, name, velocities, r),
                    meanDistance(b, name, velocities, r));
        }
    }

    /** {shift, distance ratio, spread ratio} for one labelling. */
    private static double[] statistics(List<double[]> all, double[] fromDouble, boolean[] isA) {
        int len = all.get(0).length;
        double[] meanA = new double[len];
        double[] meanB = new double[len];
        int na = 0;
        int nb = 0;
        double distA = 0;
        double distB = 0;
        for (int i = 0; i < all.size(); i++) {
            double[] x = all.get(i);
            double[] m = isA[i] ? meanA : meanB;
            for (int j = 0; j < len; j++) {
                m[j] += x[j];
            }
            if (isA[i]) {
                na++;
                distA += fromDouble[i];
            } else {
                nb++;
                distB += fromDouble[i];
            }
        }
        for (int j = 0; j < len; j++) {
            meanA[j] /= na;
            meanB[j] /= nb;
        }
        double spreadA = 0;
        double spreadB = 0;
        for (int i = 0; i < all.size(); i++) {
            double d = rms(all.get(i), isA[i] ? meanA : meanB);
            if (isA[i]) {
                spreadA += d * d;
            } else {
                spreadB += d * d;
            }
        }
        return new double[] {rms(meanA, meanB), (distA / na) / (distB / nb), (spreadA / na) / (spreadB / nb)};
    }

    private static boolean[] shuffled(boolean[] labels, Random random) {
        boolean[] out = labels.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            boolean t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static double meanDistance(List<Checkpoint.Contents> group, String name, boolean velocities,
            double[] ref) {
        double sum = 0;
        for (Checkpoint.Contents c : group) {
            Map<String, Matrix> g = velocities ? c.velocities() : c.params();
            sum += rms(decode(g.get(name), c.fractionalBits(), 1), ref);
        }
        return sum / group.size();
    }

    private static List<Checkpoint.Contents> readAll(String paths) throws Exception {
        List<Checkpoint.Contents> out = new ArrayList<>();
        for (String p : paths.trim().split("\\s+")) {
            out.add(Checkpoint.read(Path.of(p)));
        }
        return out;
    }

    /** All tensors of the group in file order, decoded, times the scale. */
    private static double[] flatten(Checkpoint.Contents c, boolean velocities, double scale) {
        Map<String, Matrix> group = new LinkedHashMap<>(velocities ? c.velocities() : c.params());
        int len = group.values().stream().mapToInt(Matrix::size).sum();
        double[] out = new double[len];
        int at = 0;
        for (Matrix m : group.values()) {
            double[] d = decode(m, c.fractionalBits(), scale);
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
        }
        return out;
    }

    private static double[] decode(Matrix m, int fractionalBits, double scale) {
        double[] d;
        if (m instanceof DoubleMatrix dm) {
            d = dm.data().clone();
        } else if (m instanceof LongMatrix lm) {
            d = new FixedPoint(fractionalBits).decode(lm.data());
        } else {
            throw new IllegalArgumentException("a checkpoint of " + m.getClass().getSimpleName());
        }
        for (int i = 0; i < d.length; i++) {
            d[i] *= scale;
        }
        return d;
    }

    private static double rms(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("checkpoints of different models: " + x.length + " and " + y.length
                    + " values");
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            s += d * d;
        }
        return Math.sqrt(s / x.length);
    }

    private static String list(double[] xs, int from, int to) {
        StringBuilder sb = new StringBuilder();
        double sum = 0;
        for (int i = from; i < to; i++) {
            sb.append(String.format("%.3e ", xs[i]));
            sum += xs[i];
        }
        return sb.append(String.format("(mean %.3e)", sum / (to - from))).toString();
    }
}
