package org.twintrain.jobs.study;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The results of finished configurations, one file per configuration under {@code OUT/completed/}, written by the
 * driver the moment a configuration's task returns. A study that stops (killed, machine lost, session over) loses
 * only the configurations in flight: rerun with the same {@code --out} and it trains only the missing ones, and the
 * table covers all of them. Several {@code --only} runs into one folder likewise build one table.
 *
 * <p>The files hold the Java serialization of the {@link StudyResult} record (its configuration included), which is
 * what Spark already ships back from the tasks; reading goes through a filter that admits only the study's records
 * and the JDK's collections, so a foreign file cannot make the reader build arbitrary objects. A stored result is
 * used only if its configuration equals the grid's configuration of the same id: after a change of the grid file
 * (steps, data, learning rate, ...) the old result is refused with a message, never silently mixed in.
 */
final class CompletedResults {
    static final String FOLDER = "completed";
    private static final String SUFFIX = ".result";
    private static final ObjectInputFilter ONLY_STUDY_RECORDS = ObjectInputFilter.Config.createFilter(
            "maxdepth=20;org.twintrain.jobs.study.*;java.util.*;java.lang.*;!*");

    private final Path folder;

    CompletedResults(Path out) {
        this.folder = out.resolve(FOLDER);
    }

    /** The stored results of the grid's configurations, by id, in grid order; a stale one is an error. */
    Map<String, StudyResult> load(StudyGrid grid) throws IOException {
        Map<String, StudyResult> found = new LinkedHashMap<>();
        for (StudyConfig c : grid.configs()) {
            Path file = fileOf(c.id());
            if (!Files.exists(file)) {
                continue;
            }
            StudyResult r = read(file);
            if (!r.config().equals(c)) {
                throw new IllegalStateException(file + " holds a result of configuration " + c.id()
                        + " made with other settings than the grid's now (was the grid file changed?); delete it, or"
                        + " use another --out, to train the configuration again");
            }
            found.put(c.id(), r);
        }
        return found;
    }

    /** Stores one result: written to a temporary file and moved into place, so a file is either whole or absent. */
    void store(StudyResult r) throws IOException {
        Files.createDirectories(folder);
        Path file = fileOf(r.config().id());
        Path tmp = Files.createTempFile(folder, ".writing-", SUFFIX);
        try {
            try (OutputStream os = Files.newOutputStream(tmp); ObjectOutputStream oos = new ObjectOutputStream(os)) {
                oos.writeObject(r);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static StudyResult read(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file); ObjectInputStream ois = new ObjectInputStream(is)) {
            ois.setObjectInputFilter(ONLY_STUDY_RECORDS);
            Object o = ois.readObject();
            if (!(o instanceof StudyResult r)) {
                throw new IOException(file + " is not a study result (holds a " + o.getClass().getName() + ")");
            }
            return r;
        } catch (InvalidClassException e) {
            throw new IOException(file + " was written by another version of the study job (" + e.getMessage()
                    + "); delete it to train the configuration again", e);
        } catch (ClassNotFoundException | IOException | ClassCastException e) {
            throw new IOException(file + " is not a readable study result: " + e.getMessage(), e);
        }
    }

    /** The file of a configuration id; URL-encoding keeps ids with '/' and ':' distinct and readable. */
    Path fileOf(String id) {
        return folder.resolve(URLEncoder.encode(id, StandardCharsets.UTF_8) + SUFFIX);
    }
}
