package org.twintrain.engine.layers;

import java.util.List;
import org.twintrain.engine.Context;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Matrix;

/**
 * One step of a recurrent cell (LSTM or GRU) with the state kept as matrices. The caller unrolls over time:
 * {@link #step} for t = 0..T-1, then {@link #backStep} for t = T-1..0 with the gradient of the state; each
 * step keeps its own cache, identified by t. The sigmoid and tanh are the run's configured approximations.
 */
public interface RecurrentCell {

    int hidden();

    /** The zero state for a batch: {h} for a GRU, {h, c} for an LSTM. */
    Matrix[] zeroState(Context ctx, int batch);

    /** Runs step t on input x from state; returns the new state (element 0 is the output h). */
    Matrix[] step(Context ctx, int t, Matrix x, Matrix[] state);

    /**
     * Backward through step t given d(new state); adds weight gradients and returns {dx, d(previous state)...}.
     */
    Matrix[] backStep(Context ctx, int t, Matrix[] dState);

    List<Param> params();

    /** Drops the per-step caches. */
    void reset();
}
