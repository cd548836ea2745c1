package org.twintrain.engine.train;

import java.util.List;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;

/**
 * Sums the parameter gradients of the k data-parallel tasks of one server, so every task applies the same update
 * and keeps the same model. On two parties the gradients are this server's shares: adding shares of one server
 * is local to that server, so the sum travels only between that server's own tasks, never to the other server.
 */
public interface GradientReducer {
    /** The number of tasks whose gradients are summed (1: nothing to do). */
    int tasks();

    /**
     * Replaces the gradient of every trainable parameter with the sum over all tasks, identical in every task
     * (the sum is taken in task order, so even double-precision sums agree bit for bit).
     */
    void sumGradients(Arithmetic a, List<Param> params);

    /** The reducer of a single task: nothing to sum. */
    GradientReducer NONE = new GradientReducer() {
        @Override
        public int tasks() {
            return 1;
        }

        @Override
        public void sumGradients(Arithmetic a, List<Param> params) {
        }
    };
}
