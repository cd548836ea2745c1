package org.twintrain.jobs.triples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.twintrain.jobs.LocalSpark;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.StoreLayout;

/**
 * Figures of the offline phase for one epoch of SecureML's network (784-128-128-10, ReLU, batch 128, 60000 MNIST
 * rows: 468 steps): records the plan from a stand-in secure step (forward, a linear output gradient as in
 * SecureML, backward, SGD update; the training engine's step replaces it later), prints its counts and the bytes
 * each server stores for the epoch, then runs the triple job on the first N steps and prints its throughput.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -o -q -B -pl spark-jobs -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java $(cat spark-jobs/target/classes/twintrain/jvm.flags) -Xmx4g \
 *     -cp spark-jobs/target/classes:spark-jobs/target/test-classes:$(cat /tmp/cp.txt) \
 *     org.twintrain.jobs.triples.MlpTripleFigures STEPS TASKS OUT_DIR [local|exact]
 * </pre>
 */
public final class MlpTripleFigures {
    static final int BATCH = 128;
    static final int[] WIDTHS = {784, 128, 128, 10};
    static final int STEPS_PER_EPOCH = 60000 / BATCH;

    private MlpTripleFigures() {
    }

    /** A stand-in secure SGD step of the MLP on zero data. */
    static void step(Arithmetic a, long epoch, long step) {
        int layers = WIDTHS.length - 1;
        a.beginScope(epoch, step, "forward");
        Matrix[] w = new Matrix[layers];
        Matrix[] act = new Matrix[layers + 1];
        Matrix[] bit = new Matrix[layers];
        act[0] = a.zeros(BATCH, WIDTHS[0]);
        for (int l = 0; l < layers; l++) {
            w[l] = a.zeros(WIDTHS[l], WIDTHS[l + 1]);
            Matrix z = a.matmul(act[l], w[l]);
            if (l < layers - 1) {
                Matrix[] r = a.reluWithDerivative(z);
                act[l + 1] = r[0];
                bit[l] = r[1];
            } else {
                act[l + 1] = z;
            }
        }
        a.beginScope(epoch, step, "backward");
        Matrix d = a.sub(act[layers], a.zeros(BATCH, WIDTHS[layers]));
        for (int l = layers - 1; l >= 0; l--) {
            Matrix grad = a.matmulTransposeA(act[l], d);
            if (l > 0) {
                d = a.mul(a.matmulTransposeB(d, w[l]), bit[l - 1]);
            }
            w[l] = a.sub(w[l], a.scale(grad, 0.1 / BATCH));
        }
    }

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int tasks = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        TruncationMode mode = args.length > 3 && args[3].equals("exact") ? TruncationMode.WRAP_FREE : TruncationMode.LOCAL;
        FixedPoint codec = new FixedPoint(13);

        long t0 = System.nanoTime();
        TriplePlan epoch = TriplePlan.record(1, STEPS_PER_EPOCH, codec, mode, MlpTripleFigures::step);
        double recordSeconds = (System.nanoTime() - t0) / 1e9;
        long bytes1 = TripleFile.party1FileBytes(epoch, 0, epoch.size());
        System.out.printf("plan of one epoch (%d steps, batch %d, f=%d, %s): %d keys %s, recorded in %.2f s%n",
                STEPS_PER_EPOCH, BATCH, codec.fractionalBits(), mode, epoch.size(), epoch.counts(), recordSeconds);
        Map<TripleKey.Kind, Long> words = epoch.wordsByKind();
        System.out.printf("server 1 stores %.1f MB for the epoch (words by kind %s), %.2f MB per step; server 0 "
                + "stores %d bytes of seed plus the plan (%d bytes of text)%n", bytes1 / 1e6, words,
                bytes1 / 1e6 / STEPS_PER_EPOCH, TripleFile.HEADER_BYTES + TripleFile.SEED_BYTES, planBytes(epoch));

        // CPU time of making one step's server-1 halves on one thread (no I/O): a figure that load on a shared
        // machine does not distort, unlike the wall time of the job below.
        TriplePlan oneStep = TriplePlan.of(epoch.keys().subList(0, epoch.size() / STEPS_PER_EPOCH), codec.fractionalBits(),
                mode);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.twintrain.sharing.triples.Dealer dealer = new org.twintrain.sharing.triples.Dealer(new byte[32], codec);
        TripleFile.writeParty1(java.io.OutputStream.nullOutputStream(), oneStep, dealer, 0, oneStep.size()); // warm-up
        long cpu0 = mx.getCurrentThreadCpuTime();
        long oneBytes = TripleFile.writeParty1(java.io.OutputStream.nullOutputStream(), oneStep, dealer, 0, oneStep.size());
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf("one step's server-1 halves (%d keys, %.2f MB): %.3f CPU-s on one thread, %.1f MB/CPU-s; "
                + "the epoch: about %.0f CPU-s%n", oneStep.size(), oneBytes / 1e6, cpu, oneBytes / 1e6 / cpu,
                cpu * STEPS_PER_EPOCH);

        TriplePlan first = TriplePlan.of(epoch.keys().subList(0, epoch.size() / STEPS_PER_EPOCH * steps),
                codec.fractionalBits(), mode);
        Files.createDirectories(out);
        TripleJob.Result r = TripleJob.run(LocalSpark.get(), first, new StoreLayout(out.resolve("store0").toString()),
                new StoreLayout(out.resolve("store1").toString()), tasks, true);
        System.out.println(r.summary());
        System.out.printf("measured on %d steps with %d tasks: %.1f steps/s; the epoch's %d steps would take about "
                + "%.0f s at this rate%n", steps, tasks, steps / r.seconds(), STEPS_PER_EPOCH,
                STEPS_PER_EPOCH * r.seconds() / steps);
        LocalSpark.get().stop();
    }

    private static long planBytes(TriplePlan plan) throws java.io.IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        plan.write(b);
        return b.size();
    }
}
