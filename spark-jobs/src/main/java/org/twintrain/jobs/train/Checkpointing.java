package org.twintrain.jobs.train;

import java.util.List;
import java.util.Map;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Matrix;

/**
 * Where a server's training loop starts and what it saves after each step; {@link EngineProgram#train} calls
 * it, {@link RunCheckpoints} implements it for the secure job. Both servers make the same calls at the same
 * points of the program, since an implementation may talk to the peer.
 */
public interface Checkpointing {

    /**
     * Called once before the first step: the global step to continue at (0 for a fresh start). When it returns
     * a step above 0 it has loaded that checkpoint's parameter shares into params and replaced the optimizer's
     * velocities.
     */
    long resume(List<Param> params, Map<String, Matrix> velocities);

    /** Called after each step with the number of steps done so far. */
    void afterStep(long step, long totalSteps, List<Param> params, Map<String, Matrix> velocities);
}
