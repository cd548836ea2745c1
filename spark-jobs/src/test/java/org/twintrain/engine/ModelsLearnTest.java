package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.DoubleArithmetic;

/** Every model, at a small width, beats chance clearly on generated data after a short training in double. */
class ModelsLearnTest {

    @ParameterizedTest(name = "{0} width {1} depth {2}")
    @CsvSource({
        "logreg,   1.0,    1, 1, 8, 8, 0.05, 0",
        "secureml, 0.25,   2, 1, 8, 8, 0.05, 0",
        "cnn,      0.5,    2, 1, 8, 8, 0.05, 0",
        "resnet18, 0.0625, 2, 3, 8, 8, 0.05, 0",
        "resnet,   0.25,  20, 3, 8, 8, 0.05, 0",
        "resnet,   0.25,  32, 3, 8, 8, 0.05, 0",
    })
    void beatsChance(String name, double width, int depth, int channels, int h, int w, double lr, int augmentPad) {
        Shape shape = new Shape(channels, h, w);
        int classes = 4;
        Dataset train = Synthetic.templates(shape, classes, 512, 1.0, 7, 8);
        Dataset test = Synthetic.templates(shape, classes, 256, 1.0, 7, 9);
        DoubleArithmetic a = new DoubleArithmetic(1);
        Classifier model = Models.build(name, a, 3, shape, classes, width, depth, true);
        Trainer trainer = new Trainer(new Context(a, Approx.exact()), model,
                new Sgd(0.9, 5e-4, StepSchedule.constant(lr)), new Trainer.Config(32, 5, augmentPad));
        double before = trainer.evaluate(test, 128).accuracy();
        trainer.run(train, 48, null);
        Trainer.Evaluation after = trainer.evaluate(test, 128);
        assertTrue(after.accuracy() >= 0.6, model.describe() + ": accuracy " + after.accuracy() + " (chance 0.25, before "
                + before + ")");
    }
}
