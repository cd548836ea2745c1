package org.twintrain.jobs.train;

import java.io.Serializable;
import java.util.Map;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * What both servers run inside their tasks: the same program on each party's half. It must call the
 * arithmetic in a data-independent order (both parties make the same calls), and returns this party's share
 * of the trained parameters by name.
 */
@FunctionalInterface
public interface SecureProgram extends Serializable {
    Map<String, LongMatrix> train(TwoPartyArithmetic arithmetic, LongMatrix features, LongMatrix labels,
            Map<String, String> settings);

    /**
     * As {@link #train}, as one of k data-parallel tasks of this server ({@link DataParallel}), resuming from and
     * saving checkpoints through checkpoints (null: none). A program that cannot split a run over tasks accepts
     * only the single task; a program without checkpoints ignores them and starts at step 0 on every attempt.
     */
    default Map<String, LongMatrix> trainTask(TwoPartyArithmetic arithmetic, LongMatrix features, LongMatrix labels,
            Map<String, String> settings, DataParallel parallel, Checkpointing checkpoints) {
        if (parallel.tasks() != 1) {
            throw new UnsupportedOperationException(getClass().getName() + " trains with one task per server only");
        }
        return train(arithmetic, features, labels, settings);
    }

    /**
     * The count of test examples the trained model (this party's shares, as {@link #train} returned them)
     * classifies correctly; the only value revealed. Programs without a secure evaluation refuse.
     */
    default long evaluate(TwoPartyArithmetic arithmetic, Map<String, LongMatrix> model, LongMatrix features,
            LongMatrix labels, Map<String, String> settings) {
        throw new UnsupportedOperationException(getClass().getName() + " has no secure evaluation");
    }
}
