package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.Param;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.train.ChannelGradientSum;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.AdditiveSharing;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;
import org.twintrain.sharing.triples.DealerTripleSource;
import org.twintrain.sharing.triples.TripleKey;

/**
 * Data-parallel secure training: k = 2 task pairs (four threads: two per server, each server's two tasks
 * summing their gradient shares over an in-memory channel) against the fixed-point emulation of the same
 * data-parallel run (two threads summing their encodings), and the pairs' triple keys against the plan.
 */
class DataParallelTest {
    private static final FixedPoint CODEC = new FixedPoint(16);
    private static final double TOLERANCE = 256 * CODEC.ulp();
    private static final int TASKS = 2;

    /** Rows [from, from+n) of a matrix, as a new matrix. */
    private static LongMatrix rows(LongMatrix m, int from, int n) {
        return new LongMatrix(n, m.cols(), Arrays.copyOfRange(m.data(), from * m.cols(), (from + n) * m.cols()));
    }

    /** Each server's in-memory channels between its task 0 and its task j, for j = 1..k-1: [task 0's end, task j's end]. */
    private static List<Channel> reducerChannels(int task, InMemoryChannel[] link) {
        return task == 0 ? List.of(link[0]) : List.of(link[1]);
    }

    private record Run(Map<String, double[]> params, List<List<TripleKey>> keysPerPair) {
    }

    /** Two task pairs, task j holding rows split[j]..split[j+1]. */
    private static Run secure(Map<String, String> settings, SecureEngineTest.Data d, int[] split) throws Exception {
        byte[] seed = new byte[32];
        new SplittableRandom(7).nextBytes(seed);
        Prg prg = new Prg(seed, "test/data");
        AdditiveSharing.MatrixShares xs = AdditiveSharing.split(new LongMatrix(d.rows(), d.features(), CODEC.encode(d.x())), prg);
        AdditiveSharing.MatrixShares ys = AdditiveSharing.split(new LongMatrix(d.rows(), d.classes(), CODEC.encode(d.y())), prg);
        int[] rowsPerTask = {split[1] - split[0], split[2] - split[1]};
        InMemoryChannel[][] peer = {InMemoryChannel.pair(60_000), InMemoryChannel.pair(60_000)};
        InMemoryChannel[][] intra = {InMemoryChannel.pair(60_000), InMemoryChannel.pair(60_000)};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Map<String, double[]>>> revealed = new ArrayList<>();
            List<Future<List<TripleKey>>> keys = new ArrayList<>();
            TwoPartyArithmetic[][] arith = new TwoPartyArithmetic[2][TASKS];
            List<Future<Classifier>> models = new ArrayList<>();
            for (int party = 0; party < 2; party++) {
                for (int task = 0; task < TASKS; task++) {
                    int p = party, t = task;
                    TwoPartyArithmetic a = new TwoPartyArithmetic(p, peer[t][p], new DealerTripleSource(p, seed, CODEC),
                            CODEC, TruncationMode.LOCAL);
                    arith[p][t] = a;
                    DataParallel dp = new DataParallel(t, rowsPerTask,
                            new ChannelGradientSum(t, TASKS, reducerChannels(t, intra[p])));
                    LongMatrix x = rows(p == 0 ? xs.share0() : xs.share1(), split[t], rowsPerTask[t]);
                    LongMatrix y = rows(p == 0 ? ys.share0() : ys.share1(), split[t], rowsPerTask[t]);
                    models.add(pool.submit(() -> EngineProgram.train(a, x, y, settings, null, dp, null)));
                }
            }
            List<Classifier> trained = new ArrayList<>();
            for (Future<Classifier> f : models) {
                trained.add(f.get());
            }
            // Both tasks of a server hold the same model shares; reveal pair 0's (both parties at once).
            for (int t = 0; t < TASKS; t++) {
                for (int i = 0; i < trained.get(t).params().size(); i++) {
                    assertEquals(Arrays.toString(((LongMatrix) trained.get(0).params().get(i).value()).data()),
                            Arrays.toString(((LongMatrix) trained.get(t).params().get(i).value()).data()),
                            "server 0's tasks disagree on " + trained.get(0).params().get(i).name());
                }
            }
            for (int p = 0; p < 2; p++) {
                TwoPartyArithmetic a = arith[p][0];
                Classifier m = trained.get(p * TASKS);
                a.setKeyNamespace("reveal.");
                revealed.add(pool.submit(() -> reveal(a, m)));
            }
            Map<String, double[]> params = revealed.get(0).get();
            revealed.get(1).get();
            List<List<TripleKey>> perPair = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                perPair.add(arith[0][t].context().triples().consumed());
            }
            return new Run(params, perPair);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same data-parallel run on the fixed-point emulation: two threads summing their encodings. */
    private static Map<String, double[]> emulate(Map<String, String> settings, SecureEngineTest.Data d, int[] split)
            throws Exception {
        double[][] x = new double[TASKS][];
        double[][] y = new double[TASKS][];
        for (int t = 0; t < TASKS; t++) {
            x[t] = Arrays.copyOfRange(d.x(), split[t] * d.features(), split[t + 1] * d.features());
            y[t] = Arrays.copyOfRange(d.y(), split[t] * d.classes(), split[t + 1] * d.classes());
        }
        return emulate(settings, CODEC, x, y, d.features(), d.classes());
    }

    /**
     * A data-parallel run on the fixed-point emulation, task j training on the rows x[j] (features) and y[j]
     * (one-hot labels), one thread per task summing encodings over in-memory channels; the revealed model, which
     * every task must hold alike.
     */
    static Map<String, double[]> emulate(Map<String, String> settings, FixedPoint codec, double[][] x, double[][] y,
            int features, int classes) throws Exception {
        int tasks = x.length;
        int[] rowsPerTask = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            rowsPerTask[t] = x[t].length / features;
        }
        InMemoryChannel[][] links = new InMemoryChannel[tasks][];
        for (int t = 1; t < tasks; t++) {
            links[t] = InMemoryChannel.pair(60_000);
        }
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<Map<String, double[]>>> out = new ArrayList<>();
            for (int task = 0; task < tasks; task++) {
                int t = task;
                List<Channel> channels = new ArrayList<>();
                if (t == 0) {
                    for (int j = 1; j < tasks; j++) {
                        channels.add(links[j][0]);
                    }
                } else {
                    channels.add(links[t][1]);
                }
                out.add(pool.submit(() -> {
                    FixedPointArithmetic a = new FixedPointArithmetic(codec);
                    DataParallel dp = new DataParallel(t, rowsPerTask, new ChannelGradientSum(t, tasks, channels));
                    Classifier m = EngineProgram.train(a, a.fromPublic(rowsPerTask[t], features, x[t]),
                            a.fromPublic(rowsPerTask[t], classes, y[t]), settings, null, dp, null);
                    return reveal(a, m);
                }));
            }
            Map<String, double[]> task0 = out.get(0).get();
            for (int t = 1; t < tasks; t++) {
                assertEquals(0.0, SecureEngineTest.maxDifference(task0, out.get(t).get()), "emulated tasks disagree");
            }
            return task0;
        } finally {
            pool.shutdownNow();
        }
    }

    static Map<String, double[]> reveal(Arithmetic a, Classifier model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Param p : model.params()) {
            out.put(p.name(), a.reveal(p.value()));
        }
        return out;
    }

    @Test
    void twoTaskPairsEqualTheirEmulationAndDrawDisjointKeysOfThePlan() throws Exception {
        SecureEngineTest.Data d = SecureEngineTest.data(96, 20, 10, 11);
        Map<String, String> settings = SecureEngineTest.settings("secureml", "0.0625", "auto", 16, 5, false);
        int[] split = {0, 40, 96}; // unequal parts: steps per epoch follow the smaller (40 / 8 = 5)
        Map<String, double[]> want = emulate(settings, d, split);
        Map<String, double[]> initial = reveal(new FixedPointArithmetic(CODEC),
                EngineProgram.model(new FixedPointArithmetic(CODEC), settings, d.features(), d.classes()));
        assertTrue(SecureEngineTest.maxDifference(initial, want) > 4 * TOLERANCE, "training did not move the weights");

        Run run = secure(settings, d, split);
        double diff = SecureEngineTest.maxDifference(want, run.params());
        assertTrue(diff <= TOLERANCE, "secure vs emulation: max |difference| " + diff);

        Set<TripleKey> pair0 = new HashSet<>(run.keysPerPair().get(0));
        Set<TripleKey> pair1 = new HashSet<>(run.keysPerPair().get(1));
        assertEquals(run.keysPerPair().get(0).size(), pair0.size());
        assertTrue(run.keysPerPair().get(0).stream().noneMatch(pair1::contains), "two pairs drew the same key");
        assertTrue(run.keysPerPair().get(0).stream().allMatch(k -> k.layer().startsWith("t0.")));
        assertTrue(run.keysPerPair().get(1).stream().allMatch(k -> k.layer().startsWith("t1.")));

        Set<TripleKey> planned = new HashSet<>(EngineProgram.plan(settings, new int[] {40, 56}, d.features(), d.classes())
                .keys());
        Set<TripleKey> drawn = new HashSet<>(pair0);
        drawn.addAll(pair1);
        Set<TripleKey> missing = new HashSet<>(planned);
        missing.removeAll(drawn);
        Set<TripleKey> extra = new HashSet<>(drawn);
        extra.removeAll(planned);
        assertEquals(Set.of(), missing, "planned keys no pair drew (and " + extra.size() + " drawn keys not planned: "
                + extra.stream().limit(5).toList() + ")");
        assertEquals(Set.of(), extra, "drawn keys not in the plan");
    }

    @Test
    void oneTaskIsThePlainRun() {
        SecureEngineTest.Data d = SecureEngineTest.data(48, 20, 10, 12);
        Map<String, String> settings = SecureEngineTest.settings("logreg", "1.0", "auto", 16, 3, false);
        FixedPointArithmetic a = new FixedPointArithmetic(CODEC);
        Matrix x = a.fromPublic(d.rows(), d.features(), d.x());
        Matrix y = a.fromPublic(d.rows(), d.classes(), d.y());
        Map<String, double[]> plain = reveal(a, EngineProgram.train(a, x, y, settings, null));
        Map<String, double[]> single = reveal(a, EngineProgram.train(a, x, y, settings, null,
                DataParallel.single(d.rows()), null));
        assertEquals(0.0, SecureEngineTest.maxDifference(plain, single));
        assertEquals(EngineProgram.plan(settings, d.rows(), d.features(), d.classes()).id(),
                EngineProgram.plan(settings, new int[] {d.rows()}, d.features(), d.classes()).id());
    }

    @Test
    void refusesABatchThatDoesNotSplitAndATaskTooSmall() {
        Map<String, String> settings = SecureEngineTest.settings("logreg", "1.0", "auto", 15, 3, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineProgram.plan(settings, new int[] {40, 40}, 20, 10));
        assertTrue(e.getMessage().contains("multiple of train.tasks"), e.getMessage());
        Map<String, String> s16 = SecureEngineTest.settings("logreg", "1.0", "auto", 16, 3, false);
        e = assertThrows(IllegalArgumentException.class, () -> EngineProgram.plan(s16, new int[] {40, 5}, 20, 10));
        assertTrue(e.getMessage().contains("a task holds only 5 rows"), e.getMessage());
    }
}
