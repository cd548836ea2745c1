package org.twintrain.engine.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * One party's telemetry of a run (see the package comment). Call order per training step: {@link #beginStep},
 * any number of {@link #observe}, then {@link #finishStep} once. Both parties make the same calls, so they check
 * the same steps, draw the same triple keys and see the same counts. Not thread-safe: one per training loop.
 */
public final class Telemetry {
    /** The triple scope of the check (its own layer name: its keys never collide with a layer's). */
    public static final String SCOPE = "telemetry";
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final TelemetryConfig config;
    private final List<String> names = new ArrayList<>();
    private final List<Matrix> values = new ArrayList<>();
    private boolean collecting;
    private Consumer<TelemetryReport> listener;
    private ThresholdHandler handler;
    private boolean warned;

    /**
     * What happens when a count crosses the threshold, called on both parties with the same arguments. The
     * default follows {@link TelemetryConfig#action()}; a handler installed with {@link #onThreshold} replaces it,
     * e.g. a rollback to the last checkpoint with a smaller learning rate (it may throw to leave the step).
     */
    @FunctionalInterface
    public interface ThresholdHandler {
        /** @param layer the layer, or null for the step's truncation failures */
        void crossed(TelemetryReport report, String layer, long count);
    }

    public Telemetry(TelemetryConfig config) {
        this.config = config;
    }

    /** Telemetry that never checks. */
    public static Telemetry off() {
        return new Telemetry(TelemetryConfig.off());
    }

    public TelemetryConfig config() {
        return config;
    }

    /** Receives every step's report (may be null). */
    public Telemetry onReport(Consumer<TelemetryReport> listener) {
        this.listener = listener;
        return this;
    }

    /** Replaces the configured action (log or stop) when a count crosses the threshold; null restores it. */
    public Telemetry onThreshold(ThresholdHandler handler) {
        this.handler = handler;
        return this;
    }

    /** Starts a pass: values are collected in training passes whose step is due. */
    public void beginStep(long step, boolean training) {
        names.clear();
        values.clear();
        collecting = training && config.due(step);
    }

    /** Whether this pass collects observations (layers may skip work otherwise). */
    public boolean collecting() {
        return collecting;
    }

    /** A layer's pre-activation (or the softmax input) of this pass, checked at {@link #finishStep}. */
    public void observe(String layer, Matrix value) {
        if (collecting) {
            names.add(layer);
            values.add(value);
        }
    }

    /**
     * Checks this step's observations, all in one {@link Arithmetic#countAtLeast} in the triple scope
     * (epoch, step, {@value #SCOPE}), reports the counts and acts on the threshold. Returns the report, or null
     * when the step was not checked.
     */
    public TelemetryReport finishStep(Arithmetic a, long epoch, long step) {
        if (!collecting || values.isEmpty()) {
            collecting = false;
            return null;
        }
        collecting = false;
        boolean failures = config.failures() && a.fractionalBits() > 0;
        int n = values.size();
        Matrix[] xs = new Matrix[failures ? 2 * n : n];
        double[] bounds = new double[xs.length];
        double failureBound = failureBound(a.fractionalBits());
        for (int i = 0; i < n; i++) {
            xs[i] = values.get(i);
            bounds[i] = config.boundOf(names.get(i));
            if (failures) {
                xs[n + i] = values.get(i);
                bounds[n + i] = failureBound;
            }
        }
        a.beginScope(epoch, step, SCOPE);
        long[] counts = a.countAtLeast(xs, bounds);
        Map<String, Long> overflow = new LinkedHashMap<>(), failed = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            overflow.merge(names.get(i), counts[i], Long::sum);
            if (failures) {
                failed.merge(names.get(i), counts[n + i], Long::sum);
            }
        }
        names.clear();
        values.clear();
        TelemetryReport report = new TelemetryReport(step, overflow, failed);
        if (listener != null) {
            listener.accept(report);
        }
        act(report);
        return report;
    }

    /** 2^(62-2f) in real units: a value this large is out of reach of an honest product (see the package comment). */
    public static double failureBound(int fractionalBits) {
        return Math.scalb(1.0, 62 - 2 * fractionalBits);
    }

    private void act(TelemetryReport report) {
        for (Map.Entry<String, Long> e : report.overflow().entrySet()) {
            if (e.getValue() > config.threshold()) {
                crossed(report, e.getKey(), e.getValue());
                break; // the first layer that crossed; failures are acted on by their own setting below
            }
        }
        if (report.totalFailures() > config.threshold()) {
            crossed(report, null, report.totalFailures());
        }
    }

    private void crossed(TelemetryReport report, String layer, long count) {
        if (handler != null) {
            handler.crossed(report, layer, count);
            return;
        }
        String what = layer == null
                ? count + " detected truncation failures (values with |x| >= 2^(62-2f)) in the checked layers"
                : count + " values of " + layer + " with |x| >= " + config.boundOf(layer);
        String message = String.format(Locale.ROOT, "telemetry at step %d: %s, above train.telemetry.threshold %d (%s)",
                report.step(), what, config.threshold(), report.describe());
        String key = layer == null ? "train.telemetry.failureAction" : "train.telemetry.action";
        if ((layer == null ? config.failureAction() : config.action()) == TelemetryConfig.Action.STOP) {
            throw new TelemetryStopException(message + "; stopped by " + key + " = stop before the step's"
                    + " update. Fixed-point wrap-around is likely: lower train.learningRate, or use"
                    + " ring.truncation = wrap-free", report.step(), layer, count);
        }
        if (!warned) {
            // Once per run: later crossings are in every progress line's counts.
            LOG.warn(message + "; later crossings are not logged again (" + key + " = log)");
            warned = true;
        }
    }
}
