package org.twintrain.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.twintrain.engine.train.Checkpoint;
import org.twintrain.jobs.reveal.CheckpointCurve;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.StoreLayout;

/**
 * A secure run's kept checkpoint of one step, both servers' shares added up in the ring, written as a
 * {@link TrainLocal} checkpoint of the fixed-point emulation, so that the emulation ({@code TrainLocal --shares ...
 * --backend fixed:F --checkpoint OUT}) continues from the secure run's own weights and momentum velocities. It
 * tells where a secure run and its emulation part (issue 17's bisection). An experimenter's tool: it reads both
 * servers' stores, which in a deployment only the model owner's final shares reach. Example:
 * <pre>
 * java -cp ... org.twintrain.tools.SecureToLocal --store0 S0 --store1 S1 --run RUN --step 1560 --out from1560.ckpt
 * </pre>
 * {@code --seed} must be the emulation's {@code --seed} (TrainLocal refuses a checkpoint of another seed).
 */
public final class SecureToLocal {
    private SecureToLocal() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("store0", "");
        d.put("store1", "");
        d.put("run", "");
        d.put("step", "-1");
        d.put("seed", "1");
        d.put("out", "");
        Args args = new Args(argv, d);
        for (String required : new String[] {"store0", "store1", "run", "out"}) {
            if (args.get(required).isEmpty()) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        if (args.getLong("step") < 0) {
            throw new IllegalArgumentException("--step is required: a step of which both stores kept a checkpoint");
        }
        Checkpoint.Contents c = write(new StoreLayout(args.get("store0")), new StoreLayout(args.get("store1")),
                args.get("run"), args.getLong("step"), args.getLong("seed"), Path.of(args.get("out")));
        System.out.println("wrote " + args.get("out") + ": step " + c.step() + ", " + c.params().size() + " params, "
                + c.velocities().size() + " velocities, backend " + c.backend() + " f=" + c.fractionalBits());
    }

    /** Reads both servers' checkpoint of the step (checked to be one run's), adds it up, writes the emulation's file. */
    static Checkpoint.Contents write(StoreLayout store0, StoreLayout store1, String runId, long step, long seed,
            Path out) throws IOException {
        CheckpointCurve.RingCheckpoint ring = CheckpointCurve.addUp(store0, store1, runId, step);
        int f = ring.manifest().fractionalBits();
        // The backend name and fractional bits the emulation checks when it resumes.
        Arithmetic emulation = TrainLocal.backend("fixed:" + f, 1, 0);
        Checkpoint.Contents c = new Checkpoint.Contents(emulation.name(), emulation.fractionalBits(), seed, step,
                asMatrices(ring.params()), asMatrices(ring.velocities()));
        Checkpoint.write(out, c);
        return c;
    }

    private static Map<String, Matrix> asMatrices(Map<String, LongMatrix> ring) {
        return new LinkedHashMap<>(ring);
    }
}
