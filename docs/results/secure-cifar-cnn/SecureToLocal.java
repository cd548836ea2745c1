import java.io.*;
import java.nio.file.*;
import java.util.*;
import org.apache.hadoop.conf.Configuration;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.store.*;

/**
 * Issue 17 experiment: one step of the secure run's kept checkpoints, both servers' shares added up (ring values,
 * exactly what the fixed-point emulation holds), written as a TrainLocal checkpoint (format of
 * org.twintrain.engine.train.Checkpoint, version 1, backend "fixed") so the emulation continues from the secure
 * run's own weights and velocities. Usage: SecureToLocal STORE0 STORE1 RUN STEP SEED OUT
 */
public class SecureToLocal {
    public static void main(String[] a) throws Exception {
        Configuration h = new Configuration();
        CheckpointStore c0 = new CheckpointStore(new StoreLayout(a[0]), a[2], h);
        CheckpointStore c1 = new CheckpointStore(new StoreLayout(a[1]), a[2], h);
        long step = Long.parseLong(a[3]);
        CheckpointManifest m0 = Manifests.read(c0.folder(step), CheckpointManifest.class, h);
        if (m0.party() != 0) {
            throw new IllegalArgumentException(c0.folder(step) + " holds server " + m0.party() + "'s checkpoint; give server 0's store first");
        }
        // Server 1's checkpoint must be of server 0's run, data session, fixed point and model (the same check as
        // org.twintrain.jobs.reveal.CheckpointCurve.reveal; read() also checks each file against its checksum).
        CheckpointManifest expect1 = new CheckpointManifest(m0.formatVersion(), 1, m0.runId(), step, m0.datasetId(),
                m0.sessionId(), m0.fractionalBits(), m0.model(), m0.params(), m0.velocities(), Map.of());
        CheckpointStore.State s0 = c0.read(step, m0);
        CheckpointStore.State s1 = c1.read(step, expect1);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(Path.of(a[5]))))) {
            out.writeInt(0x54575443);
            out.writeInt(1);
            out.writeUTF("fixed");
            out.writeInt(m0.fractionalBits());
            out.writeLong(Long.parseLong(a[4]));
            out.writeLong(step);
            for (boolean params : new boolean[] {true, false}) {
                Map<String, LongMatrix> x0 = params ? s0.params() : s0.velocities();
                Map<String, LongMatrix> x1 = params ? s1.params() : s1.velocities();
                out.writeInt(x0.size());
                for (Map.Entry<String, LongMatrix> e : x0.entrySet()) {
                    LongMatrix p = e.getValue(), q = x1.get(e.getKey());
                    out.writeUTF(e.getKey());
                    out.writeByte('L');
                    out.writeInt(p.rows());
                    out.writeInt(p.cols());
                    for (int i = 0; i < p.size(); i++) {
                        out.writeLong(p.data()[i] + q.data()[i]);
                    }
                }
            }
        }
        System.out.println("wrote step " + step + ": " + s0.params().keySet() + " velocities " + s0.velocities().keySet());
    }
}
