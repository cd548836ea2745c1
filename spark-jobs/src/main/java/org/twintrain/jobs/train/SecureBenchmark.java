package org.twintrain.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.twintrain.dataprep.format.IdxReader;
import org.twintrain.engine.Param;
import org.twintrain.engine.models.Classifier;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelConfig;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.channel.TlsChannel;
import org.twintrain.sharing.channel.TlsChannelServer;
import org.twintrain.sharing.protocol.ComparisonProtocol;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.AdditiveSharing;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;
import org.twintrain.sharing.triples.Correlation;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.MissingTripleException;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TripleSource;

/**
 * Secure training step against the same engine in double precision: both servers on this machine (two threads
 * of one JVM, {@link TwoPartyArithmetic} over an in-memory channel or mutual TLS on loopback, dealer triples),
 * {@link EngineProgram#train} on shares of generated (or MNIST) rows. The secure run is made twice: first with
 * the dealer deriving each half when a step takes it, then (timed as the online step) with every half the run
 * takes made ahead by the dealer, which is the offline time. Reports the median step time of each, their
 * ratio, the time of a 60,000-example epoch extrapolated, bytes and rounds per step against the analytical
 * count, and the dealer's (offline) time for one epoch's triples.
 */
public final class SecureBenchmark {
    private SecureBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param settings    the engine settings (model.*, train.*, approx.*, ring.*)
     * @param steps       secure steps timed (after warmup)
     * @param warmup      secure steps run first and not timed (JIT)
     * @param doubleSteps double-precision steps timed (after as many warm-up steps)
     * @param tls         mutual TLS on loopback instead of the in-memory channel
     * @param mnist       folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz], or null for
     *                    generated rows
     * @param epochRows   examples of the epoch the times are extrapolated to
     */
    public record Options(Map<String, String> settings, int steps, int warmup, int doubleSteps, boolean tls,
            Path mnist, int epochRows) {
    }

    /** Times in seconds; bytes are what one party sends. */
    public record Result(String model, int batch, double secureStep, double doubleStep, double epochSeconds,
            int stepsPerEpoch, double bytesPerStep, double roundsPerStep, long matmulBytes, long reluBytes,
            double dealerSecondsPerStep, int keysPerStep, double onDemandStep, String channel, long dataMaskBytes,
            Map<String, Double> roundsByScope, long storedBytes0, long storedBytes1,
            Map<TripleKey.Kind, Double> dealerSecondsByKind) {

        public double ratio() {
            return secureStep / doubleStep;
        }

        /** Offline (dealer) time for one epoch's triples, both halves. */
        public double offlineEpochSeconds() {
            return dealerSecondsPerStep * stepsPerEpoch;
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "secure benchmark: %s, batch %d, both servers in this JVM (two threads,"
                    + " TwoPartyArithmetic over %s, dealer triples)%n", model, batch, channel));
            sb.append(String.format(Locale.ROOT, "  median secure step         %10.3f s   (online: triples made ahead)%n",
                    secureStep));
            sb.append(String.format(Locale.ROOT, "    with the dealer on demand %9.3f s   (halves derived inside the step)%n",
                    onDemandStep));
            sb.append(String.format(Locale.ROOT, "  median double step         %10.4f s   (same engine, DoubleArithmetic)%n",
                    doubleStep));
            sb.append(String.format(Locale.ROOT, "  ratio secure / double      %10.1f x   (goal <= 8x)%n", ratio()));
            sb.append(String.format(Locale.ROOT, "  epoch of %d steps          %10.1f s   (%.1f min, online, extrapolated)%n",
                    stepsPerEpoch, epochSeconds, epochSeconds / 60));
            sb.append(String.format(Locale.ROOT, "  bytes per step (measured)  %,14.0f   (sent by one party)%n", bytesPerStep));
            sb.append(String.format(Locale.ROOT, "    analytical products      %,14d   (dense and conv triples: 8(B in + k^2 C OC) forward, 8 B out dW, 0 dX;"
                    + " dense layers pointwise)%n",
                    matmulBytes));
            if (dataMaskBytes > 0) {
                sb.append(String.format(Locale.ROOT, "      (train.reuseDataMask: without X_b's 8 B x batch x features; the"
                        + " opening of X, %,d bytes for %d examples, is sent once per run)%n", dataMaskBytes,
                        stepsPerEpoch * batch));
            }
            sb.append(String.format(Locale.ROOT, "    analytical ReLU          %,14d   (per element: DCF 8 B (ring.comparison = dcf)"
                    + " or 181 AND gates at 16 B per 64, B2A bit 1/8 B, Beaver y*r 16 B (adder); backward product 16 B)%n",
                    reluBytes));
            sb.append(String.format(Locale.ROOT, "    rest (softmax, loss)     %,14.0f   (measured minus analytical)%n",
                    bytesPerStep - matmulBytes - reluBytes));
            sb.append(String.format(Locale.ROOT, "  rounds per step            %14.1f%n", roundsPerStep));
            roundsByScope.forEach((scope, r) -> sb.append(String.format(Locale.ROOT, "    %-24s %14.1f%n", scope, r)));
            sb.append(String.format(Locale.ROOT, "  offline: dealer per step   %10.3f s   (%d keys, both halves, mean)%n",
                    dealerSecondsPerStep, keysPerStep));
            dealerSecondsByKind.forEach((kind, sec) -> sb.append(String.format(Locale.ROOT, "    %-24s %12.3f s%n",
                    kind, sec)));
            sb.append(String.format(Locale.ROOT, "  offline: dealer per epoch  %10.1f s   vs online %.1f s%n",
                    offlineEpochSeconds(), epochSeconds));
            sb.append(String.format(Locale.ROOT, "  stored per step            %,14d B server 1, %,d B server 0 (DCF correction"
                    + " words); per epoch %.1f GB + %.1f GB%n", storedBytes1, storedBytes0,
                    storedBytes1 * (double) stepsPerEpoch / 1e9, storedBytes0 * (double) stepsPerEpoch / 1e9));
            sb.append(String.format(Locale.ROOT, "  step under a network model (compute as measured here + bytes / bandwidth"
                    + " + rounds x round trip; sharing.channel.NetworkModel):%n"));
            for (org.twintrain.sharing.channel.NetworkModel m : java.util.List.of(
                    org.twintrain.sharing.channel.NetworkModel.NONE, org.twintrain.sharing.channel.NetworkModel.LAN,
                    org.twintrain.sharing.channel.NetworkModel.WAN)) {
                sb.append(networkLine(m));
            }
            return sb.toString();
        }

        /** The step's time under model m, split into compute (as measured), bandwidth and rounds x latency. */
        public double stepSeconds(org.twintrain.sharing.channel.NetworkModel m) {
            return secureStep + m.seconds(0, (long) bytesPerStep) + m.seconds((long) roundsPerStep, 0);
        }

        private String networkLine(org.twintrain.sharing.channel.NetworkModel m) {
            double bandwidth = m.seconds(0, (long) bytesPerStep);
            double latency = roundsPerStep * m.roundTripSeconds();
            double step = secureStep + bandwidth + latency;
            return String.format(Locale.ROOT, "    %-9s step %8.3f s = compute %.3f + bandwidth %.3f + %.0f rounds x %.1f ms"
                    + " = %.3f; epoch %.1f min%n", m.isNone() ? "loopback" : m.name(), step, secureStep, bandwidth,
                    roundsPerStep, m.roundTripSeconds() * 1e3, latency, step * stepsPerEpoch / 60);
        }
    }

    public static Result run(Options o) throws Exception {
        Map<String, String> settings = new java.util.LinkedHashMap<>(o.settings());
        int batch = Integer.parseInt(settings.get("train.batchSize"));
        int rows = batch * (o.warmup() + o.steps());
        settings.put("train.maxSteps", Integer.toString(o.warmup() + o.steps()));
        settings.put("train.epochs", "1");
        Data data = o.mnist() == null ? generated(rows, generatedFeatures(settings), 10,
                Long.parseLong(settings.get("train.seed"))) : mnist(o.mnist(), rows);

        FixedPoint codec = new FixedPoint(Integer.parseInt(settings.get("ring.fractionalBits")));
        TruncationMode truncation = TruncationMode.parse(settings.get("ring.truncation"));
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        Prg prg = new Prg(seed, "twintrain/benchmark/data");
        AdditiveSharing.MatrixShares xs = AdditiveSharing.split(new LongMatrix(rows, data.features, codec.encode(data.x)), prg);
        AdditiveSharing.MatrixShares ys = AdditiveSharing.split(new LongMatrix(rows, data.classes, codec.encode(data.y)), prg);

        TwoPartyRunner runner = new TwoPartyRunner(codec, truncation, EngineProgram.comparison(settings), seed);
        double[] doubleBefore = doubleSteps(settings, data, rows, o);
        Map<String, String> run = settings;
        Function<TwoPartyArithmetic, Trace> body = a -> {
            Trace trace = new Trace(a);
            EngineProgram.train(a, a.party() == 0 ? xs.share0() : xs.share1(), a.party() == 0 ? ys.share0() : ys.share1(),
                    run, trace);
            trace.keys = a.context().triples().consumed();
            return trace;
        };
        // First run: the in-process dealer derives each half when the step takes it (offline work inside the step).
        Trace onDemand = runner.run(body, o.tls() ? tlsPair() : InMemoryChannel.pair(120_000)).party0();
        double onDemandStep = median(onDemand.stepSeconds(o.warmup()));

        // Offline: the dealer makes both halves of every key the run takes, ahead of the timed online run.
        Dealer dealer = new Dealer(seed, codec);
        List<Map<TripleKey, Correlation>> halves = List.of(new HashMap<>(), new HashMap<>());
        long stepNanos = 0;
        Map<TripleKey.Kind, Double> byKind = new java.util.EnumMap<>(TripleKey.Kind.class);
        for (TripleKey k : onDemand.keys) {
            long start = System.nanoTime();
            Correlation[] h = dealer.halves(k);
            if (k.epoch() >= 0) {
                long nanos = System.nanoTime() - start;
                stepNanos += nanos;
                byKind.merge(k.kind(), nanos / 1e9 / (o.warmup() + o.steps()), Double::sum);
            }
            halves.get(0).put(k, h[0]);
            halves.get(1).put(k, h[1]);
        }
        double dealerSeconds = stepNanos / 1e9 / (o.warmup() + o.steps());
        long lastStep = onDemand.keys.get(onDemand.keys.size() - 1).step();
        int keysPerStep = (int) onDemand.keys.stream().filter(k -> k.step() == lastStep && k.epoch() >= 0).count();
        long stored0 = 0, stored1 = 0; // what a stored plan holds per step: records of server 1, shared words of server 0
        for (TripleKey k : onDemand.keys) {
            if (k.step() == lastStep && k.epoch() >= 0) {
                stored1 += org.twintrain.sharing.triples.TripleFile.recordBytes(k);
                stored0 += org.twintrain.sharing.triples.TripleFile.sharedRecordBytes(k);
            }
        }

        Channel[] pair = o.tls() ? tlsPair() : InMemoryChannel.pair(120_000);
        ScopeRounds scopeRounds = new ScopeRounds(pair[0]);
        Channel[] online = {scopeRounds, pair[1]};
        Trace t0 = runPregenerated(halves, online, codec, truncation, EngineProgram.comparison(settings), body);
        double secureStep = median(t0.stepSeconds(o.warmup()));
        double bytes = (double) (t0.bytes[t0.count] - t0.bytes[o.warmup()]) / o.steps();
        double rounds = (double) (t0.rounds[t0.count] - t0.rounds[o.warmup()]) / o.steps();

        // The same engine in double precision, timed before and after the secure run (the machine may be shared).
        double[] before = doubleBefore;
        double[] after = doubleSteps(settings, data, rows, o);
        double[] pooled = Arrays.copyOf(before, before.length + after.length);
        System.arraycopy(after, 0, pooled, before.length, after.length);
        double doubleStep = median(pooled);
        DoubleArithmetic d = new DoubleArithmetic();

        int stepsPerEpoch = o.epochRows() / batch;
        Classifier model = EngineProgram.model(d, settings, data.features, data.classes);
        boolean trick = Boolean.parseBoolean(settings.getOrDefault("train.reuseDataMask", "false"));
        long matmul = matmulBytes(model, batch, trick);
        long dataMask = trick ? 8L * stepsPerEpoch * batch * data.features : 0;
        return new Result(settings.get("model.name"), batch, secureStep, doubleStep, secureStep * stepsPerEpoch,
                stepsPerEpoch, bytes, rounds, matmul, reluBytes(model, batch, EngineProgram.comparison(settings)), dealerSeconds,
                keysPerStep, onDemandStep, o.tls() ? "mutual TLS on loopback" : "an in-memory channel", dataMask,
                scopeRounds.perStep(o.warmup() + o.steps()), stored0, stored1, byKind);
    }

    /**
     * Bytes one party sends for the dense layers' products in one step, plus the convolutions' ({@link #convBytes}).
     * A dense layer takes pointwise convolution triples: the forward opens its input and weight, 8(B in + in out);
     * the weight gradient reuses the input's opening and opens the output gradient, 8 B out; the input gradient
     * (every layer but the first, since nothing uses the network input's gradient) opens nothing. With
     * train.reuseDataMask the first layer's input is opened once per run instead of once per step (8 B in less).
     */
    static long matmulBytes(Classifier model, long batch, boolean dataMask) {
        long total = convBytes(model.net(), batch);
        boolean first = true;
        for (Param p : model.params()) {
            if (isDenseWeight(p)) {
                long in = p.value().rows(), out = p.value().cols();
                total += 8 * (batch * in + in * out) + 8 * batch * out - (first && dataMask ? 8 * batch * in : 0);
                first = false;
            }
        }
        return total;
    }

    /**
     * Bytes one party sends for the convolutions' triples in one step (protocol.BeaverConv): the forward opens the
     * input and the kernel, 8(B inSize + patch outChannels); the kernel gradient opens the output gradient only,
     * 8 B outSize; the input gradient opens nothing.
     */
    private static long convBytes(org.twintrain.engine.Layer layer, long batch) {
        if (layer instanceof org.twintrain.engine.layers.Sequential seq) {
            long total = 0;
            for (org.twintrain.engine.Layer l : seq.layers()) {
                total += convBytes(l, batch);
            }
            return total;
        }
        if (layer instanceof org.twintrain.engine.layers.Conv2d conv) {
            org.twintrain.sharing.arith.ConvGeometry g = conv.geometry();
            return 8 * (batch * g.inSize() + (long) g.patchSize() * g.outChannels()) + 8 * batch * g.outSize();
        }
        return 0;
    }

    /**
     * ReLU bytes of one step for the dense models, per hidden layer of n = batch x width elements bit-sliced into
     * w = ceil(n/64) words: 181 AND gates (LessThanZero) at 16 bytes per word-triple, 181 x 16 x w; the B2A bit,
     * 8 w; the Beaver product y*r in the same round, 16 n; and backward the exact product by the derivative bit,
     * 16 n. With the DCF comparison: the opening of x + r, 8 n, and the backward product, 16 n.
     */
    static long reluBytes(Classifier model, long batch, org.twintrain.sharing.protocol.ComparisonProtocol comparison) {
        List<Param> weights = new ArrayList<>();
        for (Param p : model.params()) {
            if (isDenseWeight(p)) {
                weights.add(p);
            }
        }
        long total = 0;
        for (int i = 0; i < weights.size() - 1; i++) {
            long n = batch * weights.get(i).value().cols();
            long words = (n + 63) / 64;
            total += comparison.isDcf() ? 8 * n + 16 * n : 181 * 16 * words + 8 * words + 16 * n + 16 * n;
        }
        return total;
    }

    /** Both parties on two threads over the given channel pair, each taking its pre-generated halves. */
    private static Trace runPregenerated(List<Map<TripleKey, Correlation>> halves, Channel[] channels, FixedPoint codec,
            TruncationMode truncation, ComparisonProtocol comparison, Function<TwoPartyArithmetic, Trace> body)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Trace>> runs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int party = p;
                runs.add(pool.submit(() -> {
                    TwoPartyArithmetic a = new TwoPartyArithmetic(party, channels[party],
                            new Pregenerated(party, halves.get(party)), codec, truncation, comparison);
                    if (channels[party] instanceof ScopeRounds counter) {
                        counter.scope = a.context().scope();
                    }
                    return body.apply(a);
                }));
            }
            runs.get(1).get();
            return runs.get(0).get();
        } finally {
            pool.shutdownNow();
            channels[0].close();
            channels[1].close();
        }
    }

    /** One party's halves made ahead by the dealer (the offline phase's output), each taken once. */
    private static final class Pregenerated implements TripleSource {
        private final int party;
        private final Map<TripleKey, Correlation> halves;
        private final List<TripleKey> ledger = new ArrayList<>();

        Pregenerated(int party, Map<TripleKey, Correlation> halves) {
            this.party = party;
            this.halves = halves;
        }

        @Override
        public int party() {
            return party;
        }

        @Override
        public void reserve(Collection<TripleKey> keys) {
            for (TripleKey k : keys) {
                if (!halves.containsKey(k)) {
                    throw new MissingTripleException("no pre-generated triple for " + k.id());
                }
            }
        }

        @Override
        public Correlation take(TripleKey key) {
            Correlation c = halves.remove(key);
            if (c == null) {
                throw new MissingTripleException("no pre-generated triple for " + key.id() + " (or taken before)");
            }
            ledger.add(key);
            return c;
        }

        @Override
        public List<TripleKey> consumed() {
            return List.copyOf(ledger);
        }

        @Override
        public void close() {
        }
    }

    /** Step times of the double-precision engine on the same rows: o.doubleSteps() after as many warm-up steps. */
    private static double[] doubleSteps(Map<String, String> settings, Data data, int rows, Options o) {
        Map<String, String> dbl = new java.util.LinkedHashMap<>(settings);
        dbl.put("train.maxSteps", Integer.toString(2 * o.doubleSteps()));
        dbl.put("train.epochs", Integer.toString(1 + 2 * o.doubleSteps() / (o.warmup() + o.steps())));
        DoubleArithmetic d = new DoubleArithmetic();
        Trace td = new Trace(null);
        EngineProgram.train(d, d.fromPublic(rows, data.features, data.x), d.fromPublic(rows, data.classes, data.y), dbl, td);
        return td.stepSeconds(o.doubleSteps());
    }

    /** A dense layer's weight (in x out); conv weights are not counted. */
    private static boolean isDenseWeight(Param p) {
        return p.name().startsWith("dense") && p.name().endsWith(".w");
    }

    /** Per-step times and this party's channel counters after each step. */
    /** Counts one party's rounds by the key scope's layer name (where in the step the rounds go). */
    private static final class ScopeRounds implements Channel {
        private final Channel inner;
        private final Map<String, Long> rounds = new java.util.TreeMap<>();
        private volatile org.twintrain.sharing.protocol.KeyScope scope;

        ScopeRounds(Channel inner) {
            this.inner = inner;
        }

        /** Rounds per step by scope, over steps steps (layer names without a task namespace). */
        Map<String, Double> perStep(int steps) {
            Map<String, Double> out = new java.util.LinkedHashMap<>();
            rounds.forEach((k, v) -> out.put(k, (double) v / steps));
            return out;
        }

        @Override
        public long[] exchange(long[] mine) {
            if (scope != null) {
                rounds.merge(scope.layer(), 1L, Long::sum);
            }
            return inner.exchange(mine);
        }

        @Override
        public void send(long[] words) {
            inner.send(words);
        }

        @Override
        public long[] receive(int length) {
            return inner.receive(length);
        }

        @Override
        public String peerName() {
            return inner.peerName();
        }

        @Override
        public org.twintrain.sharing.channel.ChannelStats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static final class Trace implements EngineProgram.StepListener {
        private final TwoPartyArithmetic a;
        private final List<Long> times = new ArrayList<>();
        private final long[] bytes = new long[100_000];
        private final long[] rounds = new long[100_000];
        private int count;
        private List<TripleKey> keys;

        Trace(Arithmetic a) {
            this.a = a instanceof TwoPartyArithmetic t ? t : null;
            times.add(System.nanoTime());
        }

        @Override
        public void afterStep(long step, long totalSteps) {
            times.add(System.nanoTime());
            count = (int) step;
            if (a != null) {
                bytes[count] = a.context().channel().stats().bytesSent();
                rounds[count] = a.context().channel().stats().rounds();
            }
        }

        double[] stepSeconds(int skip) {
            double[] s = new double[times.size() - 1 - skip];
            for (int i = 0; i < s.length; i++) {
                s[i] = (times.get(skip + i + 1) - times.get(skip + i)) / 1e9;
            }
            return s;
        }
    }

    static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("no timed steps");
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Generated rows are MNIST-sized unless model.inputShape names another shape (CxHxW, e.g. 3x32x32 for CIFAR). */
    static int generatedFeatures(Map<String, String> settings) {
        String shape = settings.getOrDefault("model.inputShape", "auto");
        if (shape.equals("auto")) {
            return 784;
        }
        int size = 1;
        for (String d : shape.split("x")) {
            size *= Integer.parseInt(d.trim());
        }
        return size;
    }

    private record Data(int features, int classes, double[] x, double[] y) {
    }

    /** Uniform pixels in [0, 1) and uniform labels: the cost of a step does not depend on the values. */
    private static Data generated(int rows, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[rows * features];
        double[] y = new double[rows * classes];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i * classes + r.nextInt(classes)] = 1.0;
        }
        return new Data(features, classes, x, y);
    }

    /** The first rows of MNIST's training files, pixels scaled to [0, 1]. */
    private static Data mnist(Path dir, int rows) throws IOException {
        IdxReader.Images images = IdxReader.readImages(existing(dir, "train-images-idx3-ubyte"));
        int[] labels = IdxReader.readLabels(existing(dir, "train-labels-idx1-ubyte"));
        if (images.count() < rows) {
            throw new IllegalArgumentException(dir + " holds " + images.count() + " images; the benchmark needs " + rows);
        }
        int features = images.rows() * images.cols();
        double[] x = new double[rows * features];
        double[] y = new double[rows * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images.pixels()[i] & 0xff) / 255.0;
        }
        for (int i = 0; i < rows; i++) {
            y[i * 10 + labels[i]] = 1.0;
        }
        return new Data(features, 10, x, y);
    }

    private static Path existing(Path dir, String name) {
        for (String n : List.of(name, name + ".gz")) {
            if (Files.exists(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new IllegalArgumentException(dir + " has no " + name + "[.gz]");
    }

    /** A connected mutual-TLS pair on loopback with fresh identities: {server 0's end, server 1's end}. */
    private static Channel[] tlsPair() {
        PeerIdentity id0 = PeerIdentity.generate("bench-server0");
        PeerIdentity id1 = PeerIdentity.generate("bench-server1");
        ChannelConfig config = ChannelConfig.defaults().withBindAddress("127.0.0.1");
        try (TlsChannelServer server = TlsChannelServer.listen(0, id0, id1.certificate(), config)) {
            CompletableFuture<Channel> accepted = CompletableFuture.supplyAsync(() -> server.accept("bench"));
            Channel client = TlsChannel.connect("127.0.0.1", server.port(), id1, id0.certificate(), config, "bench");
            return new Channel[] {accepted.join(), client};
        }
    }
}
