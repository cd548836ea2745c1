package org.twintrain.jobs.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.Param;
import org.twintrain.engine.Shape;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.telemetry.Telemetry;
import org.twintrain.engine.telemetry.TelemetryConfig;
import org.twintrain.engine.telemetry.TelemetryPlans;
import org.twintrain.engine.telemetry.TelemetryReport;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.protocol.MaskedData;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.TripleKey;

/**
 * The training engine as the servers' {@link SecureProgram}: builds the configured model (weights from the
 * public seed), then runs minibatch SGD over this party's shares. Batches follow {@link Trainer#epochOrder}, a
 * public seeded order, and are cut from the shared matrices with a gather (a local, linear operation), so a
 * cleartext emulation that feeds the same rows in the same order computes the same thing.
 */
public final class EngineProgram implements SecureProgram {
    private static final long serialVersionUID = 1L;

    @Override
    public Map<String, LongMatrix> train(TwoPartyArithmetic arithmetic, LongMatrix features, LongMatrix labels,
            Map<String, String> settings) {
        return trainTask(arithmetic, features, labels, settings, DataParallel.single(features.rows()), null);
    }

    @Override
    public Map<String, LongMatrix> trainTask(TwoPartyArithmetic arithmetic, LongMatrix features, LongMatrix labels,
            Map<String, String> settings, DataParallel parallel, Checkpointing checkpoints) {
        Classifier model = train(arithmetic, features, labels, settings,
                new Progress(arithmetic, settings, parallel), parallel, checkpoints);
        Map<String, LongMatrix> out = new LinkedHashMap<>();
        for (Param p : model.params()) {
            out.put(p.name(), (LongMatrix) p.value());
        }
        return out;
    }

    /**
     * One INFO line per epoch and every train.progressEvery steps, in the server's task: step, elapsed time, ETA,
     * and this party's bytes and rounds so far (counters only, never a value); with telemetry on, the overflow and
     * truncation-failure counts of the steps checked since the previous line, summed per layer. When the task runs
     * at a terminal (local mode, {@code System.console() != null}), its progress is instead one line with
     * percentage and ETA redrawn in place (with both servers in one JVM, the first one's: they step in lockstep).
     */
    static final class Progress implements StepListener {
        private static final Logger LOG = LoggerFactory.getLogger(EngineProgram.class);
        private final TwoPartyArithmetic a;
        private final long every;
        private final long stepsPerEpoch;
        private final long start = System.nanoTime();
        // the step this task started from (after a resume, not 0): the rate counts only steps run here
        private long firstStep = -1;
        // telemetry counts summed since the last line, and the checks they come from
        private final Map<String, Long> overflow = new LinkedHashMap<>();
        private long failures = -1;
        private int checks;
        private final String taskLabel;
        /** The task whose line the terminal shows, if any. */
        private static final java.util.concurrent.atomic.AtomicReference<Progress> TERMINAL =
                new java.util.concurrent.atomic.AtomicReference<>();
        /** Whether this JVM has a console: then progress is the in-place line only, no INFO lines. */
        private final boolean atTerminal;
        /** The in-place line at a terminal; null in logs (plain INFO lines every train.progressEvery steps). */
        private final org.twintrain.jobs.progress.ProgressLine terminal;

        Progress(TwoPartyArithmetic a, Map<String, String> settings, DataParallel parallel) {
            this.a = a;
            this.every = Math.max(0, Long.parseLong(settings.getOrDefault("train.progressEvery", "0")));
            int batch = Integer.parseInt(settings.get("train.batchSize"));
            this.stepsPerEpoch = DataParallel.stepsPerEpoch(parallel.rowsPerTask(),
                    DataParallel.taskBatch(batch, parallel.tasks()), batch);
            this.taskLabel = parallel.tasks() == 1 ? "" : "task " + parallel.task() + " of ";
            // One line per JVM: when both servers run here (the one-application local run), the first to start.
            this.atTerminal = org.twintrain.jobs.progress.ProgressLine.onTerminal();
            this.terminal = atTerminal && TERMINAL.compareAndSet(null, this)
                    ? org.twintrain.jobs.progress.ProgressLine.start("train, server " + a.party(), "steps") : null;
        }

        @Override
        public void afterStep(long step, long totalSteps) {
            if (firstStep < 0) {
                firstStep = step - 1;
            }
            if (atTerminal) {
                // At a terminal (local mode: this task runs in the command's JVM): one line, redrawn in place by
                // the task that owns it; the other server's task of the same JVM stays quiet (no log line would
                // break it).
                if (terminal != null) {
                    terminal.update(step, totalSteps, String.format(Locale.ROOT, "%s%,d bytes sent, %,d rounds",
                            taskLabel, a.context().channel().stats().bytesSent(), a.context().channel().stats().rounds()));
                    if (step == totalSteps) {
                        terminal.finish();
                        TERMINAL.compareAndSet(this, null);
                    }
                }
                return;
            }
            boolean epochEnd = stepsPerEpoch > 0 && step % stepsPerEpoch == 0;
            if (!(epochEnd || step == totalSteps || (every > 0 && step % every == 0))) {
                return;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = eta(elapsed, firstStep, step, totalSteps);
            LOG.info(taskLabel + line(a.party(), step, totalSteps, stepsPerEpoch, elapsed, eta,
                    a.context().channel().stats().bytesSent(), a.context().channel().stats().rounds())
                    + telemetryPart(checks, overflow, failures));
            overflow.clear();
            failures = -1;
            checks = 0;
        }

        @Override
        public void telemetry(TelemetryReport report) {
            report.overflow().forEach((layer, n) -> overflow.merge(layer, n, Long::sum));
            if (!report.failures().isEmpty()) {
                failures = Math.max(failures, 0) + report.totalFailures();
            }
            checks++;
        }

        /** Seconds left at the rate of the steps this task ran (from firstStep, exclusive, to step). */
        static double eta(double elapsed, long firstStep, long step, long totalSteps) {
            return elapsed / (step - firstStep) * (totalSteps - step);
        }

        /** "; telemetry (3 checks): overflow: dense0 3, dense1 0; truncation failures 2", or "" without checks. */
        static String telemetryPart(int checks, Map<String, Long> overflow, long failures) {
            if (checks == 0) {
                return "";
            }
            return "; telemetry (" + checks + (checks == 1 ? " check): " : " checks): ")
                    + TelemetryReport.describe(overflow, failures);
        }

        static String line(int party, long step, long total, long stepsPerEpoch, double elapsed, double eta,
                long bytes, long rounds) {
            String epoch = stepsPerEpoch > 0 ? String.format(Locale.ROOT, " (epoch %.2f)", (double) step / stepsPerEpoch)
                    : "";
            return String.format(Locale.ROOT, "server %d: step %d/%d%s, elapsed %.1f s, ETA %.1f s, %,d bytes sent,"
                    + " %,d rounds", party, step, total, epoch, elapsed, eta, bytes, rounds);
        }
    }

    /** The trained shares loaded into the configured model, then {@link #correctCount} in batches of 256. */
    @Override
    public long evaluate(TwoPartyArithmetic arithmetic, Map<String, LongMatrix> trained, LongMatrix features,
            LongMatrix labels, Map<String, String> settings) {
        Classifier model = model(arithmetic, settings, features.cols(), labels.cols());
        for (Param p : model.params()) {
            LongMatrix share = trained.get(p.name());
            if (share == null || share.rows() != p.value().rows() || share.cols() != p.value().cols()) {
                throw new IllegalArgumentException("trained share of " + p.name() + " is missing or has another shape");
            }
            p.set(share);
        }
        return correctCount(arithmetic, model, features, labels, settings, EVAL_BATCH);
    }

    /** Rows per step of the secure evaluation. */
    static final int EVAL_BATCH = 256;

    /** Progress of a run, called after every step with the step count so far. */
    public interface StepListener {
        void afterStep(long step, long totalSteps);

        /** The counts of a step checked by the overflow telemetry (train.telemetry.*), before its afterStep. */
        default void telemetry(TelemetryReport report) {
        }
    }

    /**
     * The plan of correlated randomness a secure run of this configuration on {@code rows} training rows will
     * consume: one step of the program recorded on two in-process parties with zero data (the program's
     * control flow does not depend on the data), repeated for every step of every epoch. The offline triple
     * job makes exactly these keys; the training job refuses triples of any other plan.
     */
    public static org.twintrain.sharing.triples.TriplePlan plan(Map<String, String> settings, int rows, int features,
            int classes) {
        return plan(settings, new int[] {rows}, features, classes);
    }

    /**
     * The plan of a run on a shared data set, split over train.tasks task pairs as the job splits it ({@link
     * DataParallel#rowsPerTask}): what the offline triple job makes and the training job checks.
     */
    public static org.twintrain.sharing.triples.TriplePlan plan(Map<String, String> settings,
            org.twintrain.store.DataShareManifest data) {
        return plan(settings, data, null);
    }

    /**
     * The same, followed when test is not null by the keys of the secure evaluation on that shared test set
     * ({@link #evaluate}: epoch -2, one step per batch of {@link #EVAL_BATCH} rows, pair 0's namespace), so a run
     * with a test set consumes stored triples only, like its training.
     */
    public static org.twintrain.sharing.triples.TriplePlan plan(Map<String, String> settings,
            org.twintrain.store.DataShareManifest data, org.twintrain.store.DataShareManifest test) {
        int tasks = DataParallel.tasks(settings);
        org.twintrain.sharing.triples.TriplePlan training = plan(settings, DataParallel.rowsPerTask(data.partitions(),
                tasks), data.features(), data.classes());
        if (test == null) {
            return training.bound(binding(data, null));
        }
        List<TripleKey> keys = new ArrayList<>(training.keys());
        keys.addAll(evaluationKeys(settings, (int) test.rows(), test.features(), test.classes(),
                DataParallel.namespace(0, tasks)));
        return org.twintrain.sharing.triples.TriplePlan.of(keys, training.fractionalBits(), training.truncation())
                .bound(binding(data, test));
    }

    /**
     * What a stored plan is bound to: the sharing sessions of its training and test data, so triples made for one
     * data set have another plan id than those for another data set of the same shape, and are refused for it.
     */
    static String binding(org.twintrain.store.DataShareManifest data, org.twintrain.store.DataShareManifest test) {
        return "data " + data.datasetId() + " " + data.sessionId()
                + (test == null ? "" : " test " + test.datasetId() + " " + test.sessionId());
    }

    /**
     * The keys {@link #evaluate} draws on rows test rows: recorded by running it on two in-process parties with
     * dealer triples from a throwaway seed and zero data (its control flow does not depend on the data).
     */
    static List<TripleKey> evaluationKeys(Map<String, String> settings, int rows, int features, int classes,
            String namespace) {
        var runner = new org.twintrain.sharing.arith.TwoPartyRunner(codec(settings), truncation(settings), new byte[32]);
        var run = runner.run(a -> {
            a.setKeyNamespace(namespace);
            Map<String, LongMatrix> zeros = new LinkedHashMap<>();
            for (Param p : model(a, settings, features, classes).params()) {
                zeros.put(p.name(), (LongMatrix) a.zeros(p.value().rows(), p.value().cols()));
            }
            new EngineProgram().evaluate(a, zeros, (LongMatrix) a.zeros(rows, features), (LongMatrix) a.zeros(rows, classes),
                    settings);
            return List.copyOf(a.context().triples().consumed());
        });
        return run.party0();
    }

    /** The ring's fixed-point encoding of the settings (ring.fractionalBits). */
    private static org.twintrain.sharing.ring.FixedPoint codec(Map<String, String> settings) {
        return new org.twintrain.sharing.ring.FixedPoint(Integer.parseInt(settings.get("ring.fractionalBits")));
    }

    /**
     * The comparison protocol of the settings (ring.comparison). Refuses a DCF range narrower than the telemetry's
     * overflow bounds: values between the two would be compared wrongly and never reported.
     */
    public static org.twintrain.sharing.protocol.ComparisonProtocol comparison(Map<String, String> settings) {
        var comparison = org.twintrain.sharing.protocol.ComparisonProtocol.parse(settings.get("ring.comparison"));
        if (comparison.isDcf() && settings.containsKey("train.telemetry.bound")) {
            TelemetryConfig telemetry = TelemetryConfig.parse(settings);
            double bound = telemetry.bound();
            for (double b : telemetry.layerBounds().values()) {
                bound = Math.max(bound, b);
            }
            int f = Integer.parseInt(settings.get("ring.fractionalBits").trim());
            double range = Math.scalb((double) comparison.rangeRingUnits(f), -f);
            if (bound >= range) {
                throw new IllegalArgumentException("ring.comparison = " + comparison.configName() + " compares exactly "
                        + "within +-" + range + " (at " + f + " fractional bits), but the telemetry's overflow bound is "
                        + bound + ": values between the two would be compared wrongly and never reported; lower "
                        + "train.telemetry.bound or widen ring.comparison");
            }
        }
        return comparison;
    }

    /** The truncation mode of the settings (ring.truncation). */
    private static org.twintrain.sharing.protocol.TruncationMode truncation(Map<String, String> settings) {
        return org.twintrain.sharing.protocol.TruncationMode.parse(settings.get("ring.truncation"));
    }

    /**
     * The plan of a run by k data-parallel task pairs holding rowsPerTask[j] rows each: every step holds the keys
     * of all k pairs, each pair's under its own namespace ("t" + j + "."; none when k = 1).
     */
    public static org.twintrain.sharing.triples.TriplePlan plan(Map<String, String> settings, int[] rowsPerTask,
            int features, int classes) {
        Settings s = Settings.of(settings, features, classes);
        if (s.reuseDataMask) {
            throw new IllegalArgumentException("stored triples do not cover train.reuseDataMask yet: its one-time data"
                    + " mask is not part of the per-step plan; run with train.reuseDataMask=false");
        }
        int tasks = rowsPerTask.length;
        int taskBatch = DataParallel.taskBatch(s.batchSize, tasks);
        int stepsPerEpoch = DataParallel.stepsPerEpoch(rowsPerTask, taskBatch, s.batchSize);
        int steps = s.maxSteps > 0 ? (int) Math.min(s.maxSteps, (long) stepsPerEpoch * s.epochs) : stepsPerEpoch * s.epochs;
        int epochs = (steps + stepsPerEpoch - 1) / stepsPerEpoch;
        org.twintrain.sharing.triples.TriplePlan whole = TelemetryPlans.record(epochs, stepsPerEpoch, codec(settings),
                truncation(settings), comparison(settings), TelemetryConfig.parse(settings),
                telemetry -> (a, epoch, step) -> {
                    for (int task = 0; task < tasks; task++) {
                        ((TwoPartyArithmetic) a).setKeyNamespace(DataParallel.namespace(task, tasks));
                        Classifier model = s.build(a);
                        Context ctx = new Context(a, s.nonlinearities()).withTelemetry(new Telemetry(telemetry));
                        Trainer trainer = new Trainer(ctx, model,
                                new Sgd(s.momentum, s.weightDecay, StepSchedule.parse(s.learningRate)),
                                new Trainer.Config(taskBatch, s.seed, 0));
                        trainer.trainStep(epoch, a.zeros(taskBatch, features), a.zeros(taskBatch, classes));
                    }
                });
        if (steps == (long) epochs * stepsPerEpoch) {
            return whole;
        }
        // train.maxSteps stops inside an epoch: the plan ends where the run does, no triples made for nothing.
        return org.twintrain.sharing.triples.TriplePlan.of(whole.keys().stream().filter(k -> k.step() < steps).toList(),
                whole.fractionalBits(), whole.truncation());
    }

    /**
     * The run's overflow telemetry from the train.telemetry.* settings, reporting to the listener. The place to
     * install a {@link Telemetry#onThreshold} handler (rollback to the last checkpoint with a smaller learning rate).
     */
    static Telemetry telemetry(Map<String, String> settings, StepListener listener) {
        return new Telemetry(TelemetryConfig.parse(settings)).onReport(listener == null ? null : listener::telemetry);
    }

    /**
     * Trains on any backend: features (rows x F) and one-hot labels (rows x classes) as that backend's
     * matrices (shares on two parties, encodings in the twin, doubles in double precision).
     */
    public static Classifier train(Arithmetic a, Matrix features, Matrix labels, Map<String, String> settings,
            StepListener listener) {
        return train(a, features, labels, settings, listener, DataParallel.single(features.rows()), null);
    }

    /**
     * As above, as task j of k data-parallel tasks, with checkpoints (null: none). This task's rows are its own
     * part of the data; each step it trains on train.batchSize / k of them (its own seeded order, {@link
     * DataParallel#orderSeed}) and the reducer sums the gradients over the k tasks before the update; with k = 1
     * this is the plain run. Training continues at the step {@link Checkpointing#resume} returns, and {@link
     * Checkpointing#afterStep} follows every step.
     */
    public static Classifier train(Arithmetic a, Matrix features, Matrix labels, Map<String, String> settings,
            StepListener listener, DataParallel parallel, Checkpointing checkpoints) {
        Settings s = Settings.of(settings, features.cols(), labels.cols());
        int rows = features.rows();
        if (rows != parallel.rowsPerTask()[parallel.task()]) {
            throw new IllegalArgumentException("task " + parallel.task() + " holds " + rows + " rows, but the"
                    + " data-parallel layout gives it " + parallel.rowsPerTask()[parallel.task()]);
        }
        int taskBatch = DataParallel.taskBatch(s.batchSize, parallel.tasks());
        int stepsPerEpoch = DataParallel.stepsPerEpoch(parallel.rowsPerTask(), taskBatch, s.batchSize);
        if (s.reuseDataMask && parallel.tasks() > 1) {
            throw new IllegalArgumentException("train.reuseDataMask works with one task per server: the data mask's"
                    + " rows are numbered per task, so k tasks would reuse each other's masks; set train.tasks=1");
        }
        if (a instanceof TwoPartyArithmetic two) {
            two.setKeyNamespace(DataParallel.namespace(parallel.task(), parallel.tasks()));
        }
        Classifier model = s.build(a);
        Context ctx = new Context(a, s.nonlinearities()).withTelemetry(telemetry(settings, listener));
        Sgd sgd = new Sgd(s.momentum, s.weightDecay, StepSchedule.parse(s.learningRate));
        Trainer trainer = new Trainer(ctx, model, sgd, new Trainer.Config(taskBatch, s.seed, 0));
        trainer.setGradientReducer(parallel.reducer());
        long orderSeed = parallel.orderSeed(s.seed);
        long total = (long) stepsPerEpoch * s.epochs;
        if (s.maxSteps > 0) {
            total = Math.min(total, s.maxSteps);
        }
        MaskedData masked = null;
        if (s.reuseDataMask && a instanceof TwoPartyArithmetic two) {
            // SecureML's trick: open X - U once; every first-layer product with a batch reuses its rows.
            two.beginScope(-1, 0, "data-mask");
            masked = MaskedData.open(two.context(), (LongMatrix) features);
            two.setLeftOperandHook(masked);
        }
        long first = checkpoints == null ? 0 : checkpoints.resume(model.params(), sgd.velocities());
        trainer.resumeAt(first);
        int[] order = null;
        try {
            for (long step = first; step < total; step++) {
                long epoch = step / stepsPerEpoch;
                int pos = (int) (step % stepsPerEpoch);
                if (pos == 0 || order == null) {
                    order = Trainer.epochOrder(rows, orderSeed, epoch);
                }
                Matrix x = masked != null ? masked.batch(Arrays.copyOfRange(order, pos * taskBatch,
                        (pos + 1) * taskBatch)) : rowsOf(a, features, order, pos * taskBatch, taskBatch);
                Matrix y = rowsOf(a, labels, order, pos * taskBatch, taskBatch);
                trainer.trainStep(epoch, x, y);
                if (listener != null) {
                    listener.afterStep(step + 1, total);
                }
                if (checkpoints != null) {
                    checkpoints.afterStep(step + 1, total, model.params(), sgd.velocities());
                }
            }
        } finally {
            if (masked != null) {
                ((TwoPartyArithmetic) a).setLeftOperandHook(null);
            }
        }
        return model;
    }

    /**
     * How many examples the model classifies correctly, computed on the given backend and revealing only that
     * count: per batch the forward pass (evaluation mode), the row maxima of the logits by a tree of {@link
     * Arithmetic#max}, the comparison [logit - max &lt; 0] (0 exactly at the arg max), its product with the
     * one-hot labels (1 where the label's logit is not the maximum) and the sum of all; one reveal at the end.
     * A tie with the label's logit counts as correct. Triple keys use epoch -2 and the batch index as step.
     */
    public static long correctCount(Arithmetic a, Classifier model, Matrix features, Matrix labels,
            Map<String, String> settings, int batch) {
        Settings s = Settings.of(settings, features.cols(), labels.cols());
        Context ctx = new Context(a, s.nonlinearities());
        int rows = features.rows(), classes = labels.cols();
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        Matrix wrong = null;
        for (int start = 0, b = 0; start < rows; start += batch, b++) {
            int n = Math.min(batch, rows - start);
            ctx.at(false, -2, b, s.seed);
            Matrix logits = model.net().forward(ctx, rowsOf(a, features, identity, start, n));
            ctx.scope("eval.argmax");
            Matrix max = rowMax(a, logits);
            int[] spread = new int[n * classes];
            for (int i = 0; i < spread.length; i++) {
                spread[i] = i / classes;
            }
            Matrix below = a.lessThanZero(a.sub(logits, a.gather(max, n, classes, spread)));
            Matrix missed = a.mulBit(below, rowsOf(a, labels, identity, start, n));
            Matrix sum = a.sumRows(a.transpose(a.sumRows(missed)));
            wrong = wrong == null ? sum : a.add(wrong, sum);
        }
        if (wrong == null) {
            return 0;
        }
        return rows - Math.round(a.reveal(wrong)[0]);
    }

    /**
     * The maximum of each row, by a tree: every level compares its columns in pairs with one {@link Arithmetic#max}
     * on all pairs at once, so ceil(log2(columns)) comparisons deep (4 for 10 classes) instead of columns - 1.
     */
    static Matrix rowMax(Arithmetic a, Matrix m) {
        List<Matrix> level = new ArrayList<>();
        for (int c = 0; c < m.cols(); c++) {
            level.add(columns(a, m, c, 1));
        }
        while (level.size() > 1) {
            int pairs = level.size() / 2;
            Matrix[] left = new Matrix[pairs], right = new Matrix[pairs];
            for (int i = 0; i < pairs; i++) {
                left[i] = level.get(2 * i);
                right[i] = level.get(2 * i + 1);
            }
            Matrix maxima = a.max(pairs == 1 ? left[0] : a.concatColumns(left), pairs == 1 ? right[0]
                    : a.concatColumns(right));
            List<Matrix> next = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                next.add(pairs == 1 ? maxima : columns(a, maxima, i, 1));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    /** Columns from..from+n of m (a gather, local on shares). */
    private static Matrix columns(Arithmetic a, Matrix m, int from, int n) {
        int[] index = new int[m.rows() * n];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < n; j++) {
                index[i * n + j] = i * m.cols() + from + j;
            }
        }
        return a.gather(m, m.rows(), n, index);
    }

    /** The configured model with its seeded initial weights, on any backend. */
    public static Classifier model(Arithmetic a, Map<String, String> settings, int features, int classes) {
        return Settings.of(settings, features, classes).build(a);
    }

    /** The configured model in double precision carrying the given (revealed) parameters. */
    public static Classifier withParameters(Map<String, String> settings, int features, int classes,
            Map<String, ? extends Matrix> parameters) {
        Classifier model = model(new org.twintrain.sharing.arith.DoubleArithmetic(), settings, features, classes);
        for (Param p : model.params()) {
            Matrix v = parameters.get(p.name());
            if (v == null || v.rows() != p.value().rows() || v.cols() != p.value().cols()) {
                throw new IllegalArgumentException("parameter " + p.name() + " is missing or has another shape than the"
                        + " configured model's " + p.value().shape());
            }
            p.set(v);
        }
        return model;
    }

    /** Accuracy of a model on examples in double precision (evaluation mode). */
    public static double accuracy(Classifier model, Map<String, String> settings, float[] features, int[] labels) {
        Settings s = Settings.of(settings, features.length / labels.length, model.classes());
        org.twintrain.sharing.arith.DoubleArithmetic a = new org.twintrain.sharing.arith.DoubleArithmetic();
        Trainer trainer = new Trainer(new Context(a, s.nonlinearities()), model,
                new Sgd(s.momentum, s.weightDecay, StepSchedule.parse(s.learningRate)), new Trainer.Config(s.batchSize, s.seed, 0));
        return trainer.evaluate(new org.twintrain.engine.train.Dataset(s.shape, features, labels, model.classes()), 256)
                .accuracy();
    }

    /** Rows order[from..from+n) of m, as a gather (local on shares). */
    static Matrix rowsOf(Arithmetic a, Matrix m, int[] order, int from, int n) {
        int cols = m.cols();
        int[] index = new int[n * cols];
        for (int i = 0; i < n; i++) {
            int base = order[from + i] * cols;
            for (int j = 0; j < cols; j++) {
                index[i * cols + j] = base + j;
            }
        }
        return a.gather(m, n, cols, index);
    }

    /** The training settings of the configuration (keys of conf/twintrain-defaults.properties). */
    record Settings(String model, double width, int depth, boolean batchNorm, Shape shape, int classes,
            int batchSize, int epochs, long maxSteps, String learningRate, double momentum, double weightDecay,
            long seed, boolean reuseDataMask, Map<String, String> approx) {

        static Settings of(Map<String, String> conf, int features, int classes) {
            Map<String, String> approx = new LinkedHashMap<>();
            conf.forEach((k, v) -> {
                if (k.startsWith("approx.")) {
                    approx.put(k.substring("approx.".length()), v);
                }
            });
            return new Settings(conf.get("model.name"), Double.parseDouble(conf.get("model.width")),
                    Integer.parseInt(conf.get("model.depth")), Boolean.parseBoolean(conf.get("model.batchNorm")),
                    shape(conf.get("model.inputShape"), features), classes,
                    Integer.parseInt(conf.get("train.batchSize")), Integer.parseInt(conf.get("train.epochs")),
                    Long.parseLong(conf.get("train.maxSteps")), conf.get("train.learningRate"),
                    Double.parseDouble(conf.get("train.momentum")), Double.parseDouble(conf.get("train.weightDecay")),
                    Long.parseLong(conf.get("train.seed")),
                    Boolean.parseBoolean(conf.getOrDefault("train.reuseDataMask", "false")), approx);
        }

        Classifier build(Arithmetic a) {
            return Models.build(model, a, seed, shape, classes, width, depth, batchNorm);
        }

        Nonlinearities nonlinearities() {
            return Nonlinearities.from(ApproxConfig.parse(approx));
        }

        static Shape shape(String spec, int features) {
            if (spec.equals("auto")) {
                return switch (features) {
                    case 784 -> new Shape(1, 28, 28);
                    case 3072 -> new Shape(3, 32, 32);
                    default -> Shape.flat(features);
                };
            }
            String[] p = spec.split("x");
            if (p.length != 3) {
                throw new IllegalArgumentException("model.inputShape must be CxHxW or auto, got '" + spec + "'");
            }
            Shape s = new Shape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
            if (s.size() != features) {
                throw new IllegalArgumentException("model.inputShape " + spec + " has " + s.size()
                        + " values but the data has " + features + " features");
            }
            return s;
        }
    }
}
