package org.twintrain.jobs.study;

import java.util.function.LongConsumer;

/**
 * What {@link StudyTask} needs from a model being trained: the engine's {@link org.twintrain.engine.train.Trainer}
 * for classifiers ({@link ClassifierRunner}) or the engine's seq2seq model ({@link SequenceRunner}).
 */
interface StudyRunner {

    /** Model and data scale, printed next to the results. */
    String scale();

    /** Output classes (the vocabulary for seq2seq): ln(classes) is the loss of a uniform guess. */
    int classes();

    /** Global steps made so far. */
    long step();

    /** Trains until the global step reaches untilStep; onStep gets the step count after each step. */
    void train(long untilStep, LongConsumer onStep);

    /** Mean training loss of the last step (per example, or per target token for seq2seq). */
    double lastLoss();

    /** {dev accuracy (NaN where not defined), mean dev cross-entropy}. */
    double[] evaluate();
}
