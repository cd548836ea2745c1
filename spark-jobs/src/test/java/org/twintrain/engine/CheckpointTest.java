package org.twintrain.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.models.Classifier;
import org.twintrain.engine.models.Models;
import org.twintrain.engine.optim.Sgd;
import org.twintrain.engine.optim.StepSchedule;
import org.twintrain.engine.train.Dataset;
import org.twintrain.engine.train.Trainer;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleArithmetic;
import org.twintrain.sharing.arith.FloatArithmetic;
import org.twintrain.sharing.arith.FixedPointArithmetic;

/** Stopping, saving, loading into a fresh process state and continuing gives the uninterrupted run's result. */
class CheckpointTest {
    @TempDir
    Path dir;

    private static final Shape SHAPE = new Shape(1, 6, 6);
    private final Dataset data = Synthetic.templates(SHAPE, 3, 40, 0.5, 1, 2);

    /** resnet with batch norm (buffers), augmentation, momentum, a schedule that drops mid-run; 5 steps/epoch. */
    private Trainer trainer(Arithmetic a, long initSeed) {
        Classifier c = Models.build("resnet", a, initSeed, SHAPE, 3, 0.25, 8, a.fractionalBits() == 0);
        return new Trainer(new Context(a, Approx.defaults()), c,
                new Sgd(0.9, 1e-3, new StepSchedule(0.05, 6, 3, 0.5)), new Trainer.Config(8, 21, 2));
    }

    private static double[] weights(Trainer t, Arithmetic a) {
        return t.model().params().stream().flatMapToDouble(p -> java.util.Arrays.stream(a.reveal(p.value()))).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"double", "float", "fixed"})
    void resumeEqualsUninterruptedRun(String backend) throws IOException {
        Supplier<Arithmetic> make = () -> switch (backend) {
            case "double" -> new DoubleArithmetic(1);
            case "float" -> new FloatArithmetic(1);
            default -> new FixedPointArithmetic(16);
        };
        Arithmetic a1 = make.get();
        Trainer straight = trainer(a1, 5);
        straight.run(data, 13, null);

        Path file = dir.resolve("run.ckpt");
        Arithmetic a2 = make.get();
        Trainer first = trainer(a2, 5);
        first.run(data, 7, null);
        first.save(file);

        Arithmetic a3 = make.get();
        Trainer resumed = trainer(a3, 77); // different initial weights: all must come from the file
        resumed.restore(file);
        assertEquals(7, resumed.step());
        resumed.run(data, 13, null);
        assertArrayEquals(weights(straight, a1), weights(resumed, a3));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void refusesAnotherBackend() throws IOException {
        Path file = dir.resolve("d.ckpt");
        Trainer t = trainer(new DoubleArithmetic(1), 5);
        t.run(data, 1, null);
        t.save(file);
        IOException e = assertThrows(IOException.class, () -> trainer(new FixedPointArithmetic(16), 5).restore(file));
        assertTrue(e.getMessage().contains("backend"), e.getMessage());
    }

    @Test
    void refusesAFileThatIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("junk.ckpt");
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IOException e = assertThrows(IOException.class, () -> trainer(new DoubleArithmetic(1), 5).restore(file));
        assertTrue(e.getMessage().contains("not a TwinTrain checkpoint"), e.getMessage());
    }
}
