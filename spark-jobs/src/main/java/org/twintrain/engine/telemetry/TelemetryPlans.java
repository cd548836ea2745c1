package org.twintrain.engine.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.twintrain.sharing.protocol.ComparisonProtocol;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.sharing.triples.TripleKey;

/**
 * The triple plan of a run with telemetry. {@link TriplePlan#record} repeats one recorded step for every step;
 * with {@code train.telemetry.every} &gt; 1 the checked steps draw more keys (the range check's) than the others,
 * so both kinds of step are recorded and each step of the run gets its own kind: the plan holds exactly the keys
 * the run takes, no unused triples.
 */
public final class TelemetryPlans {
    private TelemetryPlans() {
    }

    /**
     * @param program the step program of the run with the given telemetry settings (called with {@code config}
     *                and, when some steps are not checked, with {@code config.disabled()})
     */
    public static TriplePlan record(int epochs, int stepsPerEpoch, FixedPoint codec, TruncationMode truncation,
            ComparisonProtocol comparison, TelemetryConfig config,
            Function<TelemetryConfig, TriplePlan.StepProgram> program) {
        if (config.every() <= 1) {
            return TriplePlan.record(epochs, stepsPerEpoch, codec, truncation, comparison, program.apply(config));
        }
        // Step 0 is always checked, so a one-step recording with the settings is the checked kind.
        List<TripleKey> checked = TriplePlan.record(1, 1, codec, truncation, comparison, program.apply(config)).keys();
        List<TripleKey> plain = TriplePlan.record(1, 1, codec, truncation, comparison,
                program.apply(config.disabled())).keys();
        List<TripleKey> keys = new ArrayList<>();
        for (long e = 0; e < epochs; e++) {
            for (long i = 0; i < stepsPerEpoch; i++) {
                long step = e * stepsPerEpoch + i;
                for (TripleKey t : config.due(step) ? checked : plain) {
                    keys.add(new TripleKey(e, step, t.layer(), t.op(), t.kind(), t.shape()));
                }
            }
        }
        return TriplePlan.of(keys, codec.fractionalBits(), truncation);
    }
}
