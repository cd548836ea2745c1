package org.twintrain.engine;

import java.util.SplittableRandom;
import org.twintrain.sharing.arith.Arithmetic;

/**
 * What a layer needs besides its input: the backend, the non-linearities, whether this is a training pass,
 * and the (epoch, step) that names triple scopes and seeds dropout.
 */
public final class Context {
    private final Arithmetic arith;
    private final Nonlinearities nonlinearities;
    private boolean training;
    private long epoch;
    private long step;
    private long seed;

    public Context(Arithmetic arith, Nonlinearities nonlinearities) {
        this.arith = arith;
        this.nonlinearities = nonlinearities;
    }

    public Arithmetic arith() {
        return arith;
    }

    public Nonlinearities nonlinearities() {
        return nonlinearities;
    }

    public boolean training() {
        return training;
    }

    public long epoch() {
        return epoch;
    }

    public long step() {
        return step;
    }

    /** Sets up a pass: training or evaluation, at (epoch, step), with the run's seed. */
    public Context at(boolean training, long epoch, long step, long seed) {
        this.training = training;
        this.epoch = epoch;
        this.step = step;
        this.seed = seed;
        return this;
    }

    /** Opens the triple scope of one layer's forward or backward pass. */
    public void scope(String layer) {
        arith.beginScope(epoch, step, layer);
    }

    /** A generator for one purpose at this step: the same (seed, epoch, step, purpose) gives the same numbers. */
    public SplittableRandom random(String purpose) {
        return Seeds.random(seed, epoch, step, purpose);
    }
}
