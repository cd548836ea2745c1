package org.twintrain.jobs.train;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.StoreFiles;
import org.twintrain.store.StoreLayout;

/**
 * What a secure run's driver warns about before it starts, in one place: settings that are allowed but risky
 * (SecureML's local truncation, with its expected number of failures for this run's size; telemetry off) and a
 * store whose files other users can read. Warnings only: the refusals are where the inputs are checked.
 */
final class SecureRunChecks {
    private SecureRunChecks() {
    }

    static void warnings(Map<String, String> settings, DataShareManifest data, Logger log) {
        boolean telemetryOff = Long.parseLong(settings.get("train.telemetry.every").trim()) == 0;
        if (TruncationMode.parse(settings.get("ring.truncation")) == TruncationMode.LOCAL) {
            log.warn(localTruncationRisk(settings, data) + (telemetryOff ? "; and train.telemetry.every = 0: a failure"
                    + " would go unnoticed" : ""));
        } else if (telemetryOff) {
            log.warn("train.telemetry.every = 0: overflows and wrap-arounds will not be detected during the run");
        }
    }

    /**
     * The warning line of SecureML's local truncation for this run: how many values it truncates (counted from the
     * same run's plan with wrap-free truncation, whose truncation pairs are one per truncated value) and the expected
     * number of failures. A value x (real units) truncated after a product holds |x| 2^(2f) in the ring, and local
     * truncation fails with probability |x| 2^(2f) / 2^64 (SecureML, Theorem 1; see Truncation).
     */
    static String localTruncationRisk(Map<String, String> settings, DataShareManifest data) {
        Map<String, String> oneStep = new HashMap<>(settings);
        oneStep.put("ring.truncation", TruncationMode.WRAP_FREE.configName());
        oneStep.put("train.telemetry.every", "0");
        oneStep.put("train.maxSteps", "1");
        int tasks = DataParallel.tasks(settings);
        int[] rows = DataParallel.rowsPerTask(data.partitions(), tasks);
        TriplePlan plan = EngineProgram.plan(oneStep, rows, data.features(), data.classes());
        long perStep = 0;
        for (TripleKey k : plan.keys()) {
            if (k.kind() == TripleKey.Kind.TRUNC) {
                perStep += TriplePlan.words(k) / 3; // a pair has three parts of one word per value
            }
        }
        EngineProgram.Settings s = EngineProgram.Settings.of(settings, data.features(), data.classes());
        long stepsPerEpoch = DataParallel.stepsPerEpoch(rows, DataParallel.taskBatch(s.batchSize(), tasks), s.batchSize());
        long steps = stepsPerEpoch * s.epochs();
        if (s.maxSteps() > 0) {
            steps = Math.min(steps, s.maxSteps());
        }
        int f = data.fractionalBits();
        double values = (double) perStep * steps;
        double atOne = values * Math.scalb(1.0, 2 * f - 64);
        double bound = Double.parseDouble(settings.get("train.telemetry.bound").trim());
        return String.format(Locale.ROOT, "ring.truncation = local (SecureML's local share truncation), chosen"
                + " explicitly: this run truncates about %.3g values (%,d per step x %,d steps), and each fails (turns"
                + " into garbage, ruining the model) with probability about |x| 2^(2f-64) at f = %d: expected failures"
                + " %.2g if every truncated value had magnitude 1, %.2g at magnitude %s (train.telemetry.bound)."
                + " ring.truncation = wrap-free never fails below 2^62", values, perStep, steps, f, atOne,
                atOne * bound, trim(bound));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Warns when files of party's store can be read by users other than its owner. */
    static void warnIfReadableByOthers(StoreLayout store, int party, Configuration hadoop, Logger log) throws IOException {
        List<Path> open = StoreFiles.readableByOthers(store.root(), hadoop, 3);
        if (!open.isEmpty()) {
            log.warn("server {}'s store {} has files other users can read (e.g. {}): shares, seeds and triples should be"
                    + " readable by the server's own user only (chmod -R go-rwx, or remake them: TwinTrain creates"
                    + " them owner-only)", party, store.root(), open.get(0));
        }
    }
}
