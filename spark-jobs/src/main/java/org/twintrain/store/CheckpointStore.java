package org.twintrain.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * One server's checkpoints of one training run under {@link StoreLayout#checkpoints}: a folder {@code step-N}
 * per checkpoint holding this server's parameter shares ({@code params.bin}) and optimizer velocity shares
 * ({@code velocities.bin}), both {@link TensorFile}s, and a {@link CheckpointManifest}, written through an
 * {@link AtomicFolder} (manifest last, then one rename). A checkpoint cut short by a kill is a temporary
 * folder or a folder without manifest: {@link #steps} never lists it, so it is never loaded. Beside the
 * checkpoints, {@code run.json} holds the run's {@link RunIdentity}. Works on any Hadoop file system.
 */
public final class CheckpointStore {
    static final String RUN_FILE = "run.json";
    private static final Pattern STEP = Pattern.compile("step-(\\d+)");

    private final Path folder;
    private final Configuration hadoop;

    public CheckpointStore(StoreLayout store, String runId, Configuration hadoop) {
        this.folder = store.checkpoints(runId);
        this.hadoop = hadoop;
    }

    /** A loaded checkpoint: the step it continues at, parameter and velocity shares by name. */
    public record State(long step, Map<String, LongMatrix> params, Map<String, LongMatrix> velocities) {
    }

    public Path folder() {
        return folder;
    }

    public Path folder(long step) {
        return new Path(folder, "step-" + step);
    }

    /**
     * Records the run's identity on its first attempt; on a later attempt refuses one that differs (other data,
     * other settings under the same run id), since its replayed steps would open other values with triples
     * already used.
     */
    public void claim(RunIdentity identity) throws IOException {
        Path file = new Path(folder, RUN_FILE);
        FileSystem fs = file.getFileSystem(hadoop);
        if (fs.exists(file)) {
            RunIdentity before;
            try (InputStream in = fs.open(file)) {
                before = Manifests.json().readValue(in, RunIdentity.class);
            }
            if (!before.equals(identity)) {
                throw new IllegalArgumentException(file + ": run " + identity.runId() + " was started on data session "
                        + before.sessionId() + " with settings " + before.settingsDigest().substring(0, 12)
                        + "..., this attempt has data session " + identity.sessionId() + " and settings "
                        + identity.settingsDigest().substring(0, 12) + "...; a resumed run must repeat the same"
                        + " computation: use a new run id for other data or settings");
            }
            return;
        }
        StoreFiles.mkdirs(fs, folder);
        Path tmp = new Path(folder, "." + RUN_FILE + ".tmp-" + UUID.randomUUID());
        try (OutputStream out = StoreFiles.create(fs, tmp, false)) {
            Manifests.json().writeValue(out, identity);
        }
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + file);
        }
    }

    /** The steps of the complete checkpoints (folder step-N with a manifest), ascending. */
    public List<Long> steps() throws IOException {
        FileSystem fs = folder.getFileSystem(hadoop);
        List<Long> steps = new ArrayList<>();
        if (!fs.exists(folder)) {
            return steps;
        }
        for (FileStatus s : fs.listStatus(folder)) {
            Matcher m = STEP.matcher(s.getPath().getName());
            if (s.isDirectory() && m.matches() && fs.exists(new Path(s.getPath(), Manifests.MANIFEST))) {
                steps.add(Long.parseLong(m.group(1)));
            }
        }
        steps.sort(null);
        return steps;
    }

    /** Writes the checkpoint of step atomically, replacing one of the same step (a replay writes the same). */
    public void write(long step, CheckpointManifest identity, Map<String, LongMatrix> params,
            Map<String, LongMatrix> velocities) throws IOException {
        AtomicFolder out = AtomicFolder.begin(folder(step), true, hadoop);
        try {
            Path p = new Path(out.path(), "params.bin");
            Path v = new Path(out.path(), "velocities.bin");
            FileSystem fs = p.getFileSystem(hadoop);
            try (OutputStream o = StoreFiles.create(fs, p, false)) {
                TensorFile.write(o, params);
            }
            try (OutputStream o = StoreFiles.create(fs, v, false)) {
                TensorFile.write(o, velocities);
            }
            Manifests.write(out.path(), new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, identity.party(),
                    identity.runId(), step, identity.datasetId(), identity.sessionId(), identity.fractionalBits(),
                    identity.model(), List.copyOf(params.keySet()), List.copyOf(velocities.keySet()),
                    Map.of("params.bin", Manifests.sha256(p, hadoop), "velocities.bin", Manifests.sha256(v, hadoop))),
                    hadoop);
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Loads the checkpoint of step after checking that it is this server's, of this run, data session, fixed
     * point and model (the fields of expected other than step and the name lists), and that its files match
     * their checksums.
     */
    public State read(long step, CheckpointManifest expected) throws IOException {
        Path dir = folder(step);
        CheckpointManifest m = Manifests.read(dir, CheckpointManifest.class, hadoop);
        if (m.formatVersion() != CheckpointManifest.FORMAT_VERSION) {
            throw new IllegalArgumentException(dir + " has checkpoint format version " + m.formatVersion()
                    + "; this reader knows version " + CheckpointManifest.FORMAT_VERSION);
        }
        if (m.step() != step || m.party() != expected.party() || !m.runId().equals(expected.runId())
                || !m.sessionId().equals(expected.sessionId()) || m.fractionalBits() != expected.fractionalBits()
                || !m.model().equals(expected.model())) {
            throw new IllegalArgumentException(dir + " is the checkpoint of party " + m.party() + ", run " + m.runId()
                    + ", step " + m.step() + ", data session " + m.sessionId() + ", f=" + m.fractionalBits() + ", model "
                    + m.model() + "; this attempt is party " + expected.party() + ", run " + expected.runId() + ", step "
                    + step + ", data session " + expected.sessionId() + ", f=" + expected.fractionalBits() + ", model "
                    + expected.model());
        }
        Map<String, LongMatrix> params = readTensors(dir, "params.bin", m);
        Map<String, LongMatrix> velocities = readTensors(dir, "velocities.bin", m);
        if (!List.copyOf(params.keySet()).equals(m.params()) || !List.copyOf(velocities.keySet()).equals(m.velocities())) {
            throw new IllegalArgumentException(dir + ": its tensors do not match the names in its manifest");
        }
        return new State(step, params, velocities);
    }

    private Map<String, LongMatrix> readTensors(Path dir, String name, CheckpointManifest m) throws IOException {
        Path file = new Path(dir, name);
        String actual;
        try {
            actual = Manifests.sha256(file, hadoop);
        } catch (org.apache.hadoop.fs.ChecksumException damaged) {
            actual = "damaged"; // the file system's own checksum caught it first
        }
        if (!actual.equals(m.checksums().get(name))) {
            throw new IllegalArgumentException(file + " does not match the checksum in its manifest: the checkpoint"
                    + " was changed or damaged");
        }
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            return TensorFile.read(in, file.toString());
        }
    }

    /** Deletes the checkpoints after step (an aborted attempt's, which the resumed attempt writes again). */
    public void deleteAfter(long step) throws IOException {
        FileSystem fs = folder.getFileSystem(hadoop);
        for (long s : steps()) {
            if (s > step) {
                fs.delete(folder(s), true);
            }
        }
    }

    /**
     * Keeps the newest {@code keep} complete checkpoints and deletes the older ones, and any leftovers of
     * checkpoints cut short (temporary folders, folders without manifest).
     */
    public void keepLast(int keep) throws IOException {
        keepLast(keep, 0);
    }

    /**
     * As {@link #keepLast(int)}, also keeping every checkpoint whose step is a multiple of keepEvery (0: none), e.g.
     * one per epoch for a learning curve of the run.
     */
    public void keepLast(int keep, long keepEvery) throws IOException {
        FileSystem fs = folder.getFileSystem(hadoop);
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            if (keepEvery <= 0 || steps.get(i) % keepEvery != 0) {
                fs.delete(folder(steps.get(i)), true);
            }
        }
        for (FileStatus s : fs.listStatus(folder)) {
            String name = s.getPath().getName();
            Matcher m = STEP.matcher(name);
            boolean incomplete = m.matches() && !fs.exists(new Path(s.getPath(), Manifests.MANIFEST));
            if (s.isDirectory() && (incomplete || name.startsWith(".step-"))) {
                fs.delete(s.getPath(), true);
            }
        }
    }
}
