package org.twintrain.jobs.study;

import java.util.function.LongConsumer;
import org.twintrain.engine.Context;
import org.twintrain.engine.Nonlinearities;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.Arithmetic;

/** An image classifier trained by the engine's {@link Trainer}; the loss comes from a {@link LossRecorder}. */
final class ClassifierRunner implements StudyRunner {
    private final Trainer trainer;
    private final LossRecorder recorder;
    private final Dataset train;
    private final Dataset dev;
    private final String scale;
    private final int evalBatch;

    ClassifierRunner(StudyConfig c, Arithmetic arith, Nonlinearities base, Sgd sgd, Dataset[] data) {
        StudyConfig.TrainSpec t = c.train();
        this.recorder = new LossRecorder(base.softmax());
        Nonlinearities nl = new Nonlinearities(base.sigmoid(), base.tanh(), recorder);
        this.train = data[0];
        this.dev = data[1];
        Classifier model = Models.build(c.model().engine(), arith, c.seed(), train.shape(), train.classes(),
                c.model().width(), c.model().depth(), c.model().batchNorm());
        this.trainer = new Trainer(new Context(arith, nl), model, sgd, new Trainer.Config(t.batch(), c.seed(), t.augmentPad()));
        trainer.stepsPerEpoch(train);
        this.evalBatch = Math.max(t.batch(), 100);
        this.scale = model.describe() + " train=" + train.size() + " dev=" + dev.size();
    }

    @Override
    public String scale() {
        return scale;
    }

    @Override
    public int classes() {
        return train.classes();
    }

    @Override
    public long step() {
        return trainer.step();
    }

    @Override
    public void train(long untilStep, LongConsumer onStep) {
        trainer.run(train, untilStep, step -> {
            onStep.accept(step);
            recorder.clear();
        });
    }

    @Override
    public double lastLoss() {
        return recorder.meanLoss();
    }

    @Override
    public double[] evaluate() {
        Trainer.Evaluation e = trainer.evaluate(dev, evalBatch);
        return new double[] {e.accuracy(), e.meanLoss()};
    }
}
