package org.twintrain.engine;

import java.util.SplittableRandom;
import org.twintrain.engine.telemetry.Telemetry;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;

/**
 * What a layer needs besides its input: the backend, the non-linearities, whether this is a training pass,
 * and the (epoch, step) that names triple scopes and seeds dropout; and the run's overflow telemetry, to which
 * layers report their pre-activations ({@link #observe}).
 */
public final class Context {
    private final Arithmetic arith;
    private final Nonlinearities nonlinearities;
    private boolean training;
    private long epoch;
    private long step;
    private long seed;
    private Telemetry telemetry = Telemetry.off();

    public Context(Arithmetic arith, Nonlinearities nonlinearities) {
        this.arith = arith;
        this.nonlinearities = nonlinearities;
    }

    /** Installs the run's telemetry (default: off). */
    public Context withTelemetry(Telemetry telemetry) {
        this.telemetry = telemetry;
        return this;
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    /** A layer's pre-activation (or the softmax input) for this step's telemetry check; free when not checked. */
    public void observe(String layer, Matrix value) {
        telemetry.observe(layer, value);
    }

    /** Runs this step's telemetry check, if it is due (see {@link Telemetry#finishStep}). */
    public void checkTelemetry() {
        telemetry.finishStep(arith, epoch, step);
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
        telemetry.beginStep(step, training);
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
