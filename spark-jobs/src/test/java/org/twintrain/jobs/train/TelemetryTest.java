package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.telemetry.Telemetry;
import org.twintrain.engine.telemetry.TelemetryConfig;
import org.twintrain.engine.telemetry.TelemetryReport;
import org.twintrain.engine.telemetry.TelemetryStopException;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.sharing.arith.FixedPointArithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.AdditiveSharing;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.ring.Prg;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;

/**
 * The overflow telemetry of {@link EngineProgram#train} on two parties: a normal run reports zeros (the same as its
 * fixed-point emulation), a run made to overflow (learning rate 10^4, SecureML's f = 13 and local truncation) is
 * detected per layer, action stop stops it with a message naming the step, layer and count, and the triple plan
 * with telemetry holds exactly the keys a run takes.
 */
class TelemetryTest {
    private static final int ROWS = 48, FEATURES = 20, CLASSES = 10, BATCH = 16;

    private static Map<String, String> settings(String model, String lr, int f, String truncation, String... more) {
        TwinTrainConf c = TwinTrainConf.defaults().with("model.name", model).with("model.width", "0.0625")
                .with("train.batchSize", Integer.toString(BATCH)).with("train.epochs", "4")
                .with("train.learningRate", lr).with("ring.fractionalBits", Integer.toString(f))
                .with("ring.truncation", truncation).with("train.telemetry.every", "1")
                .with("train.telemetry.bound", "100")
                // These tests look at the counts; the default (a failure stops the run) is SafeDefaultsTest's.
                .with("train.telemetry.failureAction", "log");
        for (int i = 0; i < more.length; i += 2) {
            c = c.with(more[i], more[i + 1]);
        }
        return c.asMap();
    }

    private static final SecureEngineTest.Data DATA = SecureEngineTest.data(ROWS, FEATURES, CLASSES, 7);

    /** Both parties' telemetry reports (asserted equal) and each party's consumed triple keys. */
    private record Run(List<TelemetryReport> reports, List<TripleKey> keys) {
    }

    private static Run secure(Map<String, String> settings) {
        FixedPoint codec = new FixedPoint(Integer.parseInt(settings.get("ring.fractionalBits")));
        TruncationMode mode = TruncationMode.parse(settings.get("ring.truncation"));
        byte[] seed = new byte[32];
        new SplittableRandom(11).nextBytes(seed);
        Prg prg = new Prg(seed, "test/data");
        AdditiveSharing.MatrixShares xs = AdditiveSharing.split(new LongMatrix(ROWS, FEATURES, codec.encode(DATA.x())), prg);
        AdditiveSharing.MatrixShares ys = AdditiveSharing.split(new LongMatrix(ROWS, CLASSES, codec.encode(DATA.y())), prg);
        TwoPartyRunner.Result<Run> r = new TwoPartyRunner(codec, mode, seed).run(a -> {
            List<TelemetryReport> reports = new ArrayList<>();
            EngineProgram.train(a, a.party() == 0 ? xs.share0() : xs.share1(), a.party() == 0 ? ys.share0() : ys.share1(),
                    settings, listener(reports));
            return new Run(reports, a.context().triples().consumed());
        });
        assertEquals(r.party0().reports(), r.party1().reports(), "both parties see the same counts");
        return r.party0();
    }

    private static EngineProgram.StepListener listener(List<TelemetryReport> reports) {
        return new EngineProgram.StepListener() {
            @Override
            public void afterStep(long step, long totalSteps) {
            }

            @Override
            public void telemetry(TelemetryReport report) {
                reports.add(report);
            }
        };
    }

    private static List<TelemetryReport> emulate(Map<String, String> settings) {
        FixedPointArithmetic a = new FixedPointArithmetic(new FixedPoint(Integer.parseInt(settings.get("ring.fractionalBits"))));
        List<TelemetryReport> reports = new ArrayList<>();
        EngineProgram.train(a, a.fromPublic(ROWS, FEATURES, DATA.x()), a.fromPublic(ROWS, CLASSES, DATA.y()), settings,
                listener(reports));
        return reports;
    }

    /** The names of the model's dense layers, then softmax.in and softmax.grad. */
    private static List<String> denseLayersAndSoftmax(Map<String, String> settings) {
        List<String> names = new ArrayList<>();
        for (org.twintrain.engine.Layer l : EngineProgram.model(new FixedPointArithmetic(), settings, FEATURES, CLASSES)
                .net().layers()) {
            if (l instanceof org.twintrain.engine.layers.Dense) {
                names.add(l.name());
            }
        }
        assertEquals(3, names.size());
        names.add("softmax.in");
        names.add("softmax.grad");
        return names;
    }

    @Test
    void aNormalRunReportsZeroOnEveryLayerLikeItsEmulation() {
        Map<String, String> settings = settings("secureml", "0.1", 16, "local");
        Run run = secure(settings);
        int steps = (ROWS / BATCH) * 4;
        assertEquals(steps, run.reports().size(), "one report per step with train.telemetry.every = 1");
        for (TelemetryReport r : run.reports()) {
            assertEquals(denseLayersAndSoftmax(settings), List.copyOf(r.overflow().keySet()),
                    "the dense pre-activations, the softmax input and the loss gradient are checked");
            assertEquals(0, r.totalOverflow(), "step " + r.step());
            assertEquals(0, r.totalFailures(), "step " + r.step());
            assertEquals(r.overflow().keySet(), r.failures().keySet());
        }
        assertEquals(run.reports(), emulate(settings));
    }

    @Test
    void aRunMadeToOverflowIsDetectedPerLayer() {
        // Learning rate 10^4 at f = 13 with local truncation: the weights leave any sane range within a few steps.
        Map<String, String> settings = settings("logreg", "10000", 13, "local");
        List<TelemetryReport> reports = secure(settings).reports();
        assertEquals(0, reports.get(0).totalOverflow(), "the initial weights are small");
        String dense = reports.get(0).overflow().keySet().iterator().next();
        long overflowing = reports.stream().filter(r -> r.overflow().get(dense) > 0).count();
        assertTrue(overflowing > reports.size() / 2, "steps with " + dense + " overflows: " + overflowing + " of "
                + reports.size());
        assertTrue(reports.stream().anyMatch(r -> r.overflow().get("softmax.in") > 0));
        assertTrue(reports.stream().anyMatch(r -> r.totalFailures() > 0),
                "values beyond 2^(62-2f) (wrap-around or truncation failures) are detected");
        // With the learning rate of a normal run the same configuration reports nothing.
        assertEquals(0, secure(settings("logreg", "0.1", 13, "local")).reports().stream()
                .mapToLong(r -> r.totalOverflow() + r.totalFailures()).sum());
    }

    @Test
    void oneTruncationFailureInAWeightIsCaughtAtTheNextCheck() {
        // What a failed local truncation leaves behind: a result off by 2^(64-f) ring units (2^32 in real terms at
        // f = 16), here in one weight after step 2 of a normal run, as if its update's truncation had failed.
        Map<String, String> settings = settings("secureml", "0.1", 16, "local");
        FixedPoint codec = new FixedPoint(16);
        Prg prg = new Prg(new byte[32], "test/data");
        AdditiveSharing.MatrixShares xs = AdditiveSharing.split(new LongMatrix(ROWS, FEATURES, codec.encode(DATA.x())), prg);
        AdditiveSharing.MatrixShares ys = AdditiveSharing.split(new LongMatrix(ROWS, CLASSES, codec.encode(DATA.y())), prg);
        int[] order = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            order[i] = i;
        }
        TwoPartyRunner.Result<List<TelemetryReport>> r = new TwoPartyRunner(codec, TruncationMode.LOCAL, new byte[32]).run(a -> {
            List<TelemetryReport> reports = new ArrayList<>();
            EngineProgram.Settings s = EngineProgram.Settings.of(settings, FEATURES, CLASSES);
            org.twintrain.engine.models.Classifier model = EngineProgram.model(a, settings, FEATURES, CLASSES);
            org.twintrain.engine.Context ctx = new org.twintrain.engine.Context(a, s.nonlinearities())
                    .withTelemetry(new Telemetry(TelemetryConfig.parse(settings)).onReport(reports::add));
            org.twintrain.engine.train.Trainer trainer = new org.twintrain.engine.train.Trainer(ctx, model,
                    new org.twintrain.engine.optim.Sgd(0.9, 0, org.twintrain.engine.optim.StepSchedule.parse("0.1")),
                    new org.twintrain.engine.train.Trainer.Config(BATCH, 1, 0));
            LongMatrix x = a.party() == 0 ? xs.share0() : xs.share1(), y = a.party() == 0 ? ys.share0() : ys.share1();
            for (int step = 0; step < 4; step++) {
                if (step == 3 && a.party() == 0) {
                    org.twintrain.engine.Param w = model.params().get(0);
                    long[] share = ((LongMatrix) w.value()).data().clone();
                    share[0] += 1L << (64 - 16);
                    w.set(new LongMatrix(w.value().rows(), w.value().cols(), share));
                }
                int from = (step % (ROWS / BATCH)) * BATCH;
                trainer.trainStep(0, EngineProgram.rowsOf(a, x, order, from, BATCH), EngineProgram.rowsOf(a, y, order, from, BATCH));
            }
            return reports;
        });
        List<TelemetryReport> reports = r.party0();
        assertEquals(reports, r.party1());
        assertEquals(4, reports.size());
        for (int step = 0; step < 3; step++) {
            assertEquals(0, reports.get(step).totalOverflow() + reports.get(step).totalFailures(), "step " + step);
        }
        TelemetryReport after = reports.get(3);
        String first = after.overflow().keySet().iterator().next();
        // Unit 0 of the first layer, for every row whose feature 0 is not tiny, is beyond the bound (its products
        // with a weight of 2^32 wrap, so what the ring holds is large but not always beyond 2^(62-2f)), and values
        // beyond 2^(62-2f) appear.
        long rows = 0;
        for (int i = 0; i < BATCH; i++) {
            rows += DATA.x()[((3 % (ROWS / BATCH)) * BATCH + i) * FEATURES] >= 0.25 ? 1 : 0;
        }
        assertTrue(rows > 0);
        assertTrue(after.overflow().get(first) >= rows, after.describe());
        assertTrue(after.totalFailures() > 0, after.describe());
    }

    @Test
    void actionStopStopsTheRunNamingStepLayerAndCount() {
        Map<String, String> settings = settings("logreg", "10000", 13, "local", "train.telemetry.action", "stop",
                "train.telemetry.threshold", "3", "train.telemetry.failureAction", "stop");
        TwoPartyRunner.TwoPartyException e = assertThrows(TwoPartyRunner.TwoPartyException.class, () -> secure(settings));
        TelemetryStopException stop = assertInstanceOf(TelemetryStopException.class, e.getCause());
        // The first step whose count is above the threshold, as the log-only run reports it.
        List<TelemetryReport> logged = secure(settings("logreg", "10000", 13, "local", "train.telemetry.threshold", "3",
                "train.telemetry.failureAction", "log")).reports();
        TelemetryReport first = logged.stream().filter(r -> r.overflow().values().stream().anyMatch(n -> n > 3)
                || r.totalFailures() > 3).findFirst().orElseThrow();
        assertEquals(first.step(), stop.step());
        assertTrue(stop.count() > 3);
        String layer = stop.layer() == null ? "truncation failures" : stop.layer();
        assertTrue(stop.getMessage().contains("at step " + stop.step()), stop.getMessage());
        assertTrue(stop.getMessage().contains(stop.count() + " values of " + layer)
                || stop.getMessage().contains(stop.count() + " detected truncation failures"), stop.getMessage());
        assertTrue(stop.getMessage().contains((stop.layer() == null ? "train.telemetry.failureAction"
                : "train.telemetry.action") + " = stop"), stop.getMessage());
    }

    @Test
    void thePlanHoldsExactlyTheKeysARunTakes() {
        // With wrap-free truncation, SGD's momentum products draw truncation keys: the plan's one-step template
        // holds them only because the first step starts from a zero velocity instead of skipping the product.
        for (String truncation : new String[] {"local", "exact"}) {
            for (String every : new String[] {"1", "4"}) {
                Map<String, String> settings = settings("secureml", "0.1", 16, truncation, "train.telemetry.every", every);
                TriplePlan plan = EngineProgram.plan(settings, ROWS, FEATURES, CLASSES);
                Run run = secure(settings);
                assertEquals(plan.keys(), run.keys(), truncation + ", every " + every);
                long telemetryKeys = plan.keys().stream().filter(k -> k.layer().equals(Telemetry.SCOPE)).count();
                long checkedSteps = run.reports().size();
                assertEquals(every.equals("1") ? 12 : 3, checkedSteps);
                assertTrue(telemetryKeys > 0 && telemetryKeys % checkedSteps == 0, "telemetry keys " + telemetryKeys);
                TriplePlan off = EngineProgram.plan(settings("secureml", "0.1", 16, truncation, "train.telemetry.every",
                        "0"), ROWS, FEATURES, CLASSES);
                assertEquals(off.size() + telemetryKeys, plan.size(), "telemetry adds its own keys, nothing else changes");
            }
        }
    }

    @Test
    void progressLineSumsTheChecksSinceTheLastLine() {
        Map<String, Long> overflow = new LinkedHashMap<>();
        overflow.put("dense0", 3L);
        overflow.put("dense1", 0L);
        assertEquals("; telemetry (2 checks): overflow: dense0 3, dense1 0; truncation failures 2",
                EngineProgram.Progress.telemetryPart(2, overflow, 2));
        assertEquals("; telemetry (1 check): overflow: dense0 3, dense1 0", EngineProgram.Progress.telemetryPart(1, overflow, -1));
        assertEquals("", EngineProgram.Progress.telemetryPart(0, Map.of(), -1));
    }

    @Test
    void configurationKeys() {
        TelemetryConfig defaults = TelemetryConfig.parse(TwinTrainConf.defaults().asMap());
        assertTrue(defaults.enabled() && defaults.due(20) && !defaults.due(10), "on by default, every 20 steps");
        assertEquals(TelemetryConfig.Action.STOP, defaults.failureAction(), "a detected truncation failure stops by default");
        assertEquals(TelemetryConfig.Action.LOG, defaults.action());
        TelemetryConfig c = TelemetryConfig.parse(TwinTrainConf.defaults().with("train.telemetry.every", "5")
                .with("train.telemetry.layerBounds", "dense0:256, softmax.in:64").with("train.telemetry.action", "stop")
                .asMap());
        assertTrue(c.due(0) && c.due(10) && !c.due(3));
        assertEquals(256.0, c.boundOf("dense0"));
        assertEquals(64.0, c.boundOf("softmax.in"));
        assertEquals(1024.0, c.boundOf("dense1"));
        assertEquals(TelemetryConfig.Action.STOP, c.action());
        assertThrows(IllegalArgumentException.class, () -> TelemetryConfig.parse(Map.of("train.telemetry.action", "rollback")));
        assertThrows(IllegalArgumentException.class, () -> TelemetryConfig.parse(Map.of("train.telemetry.layerBounds", "dense0")));
        assertThrows(IllegalArgumentException.class, () -> TelemetryConfig.parse(Map.of("train.telemetry.every", "-1")));
    }
}
