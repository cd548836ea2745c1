package org.twintrain.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest's bytes depend on its content only, never on the order a map happened to iterate in. */
class ManifestsTest {
    private static CheckpointManifest manifest(Map<String, String> checksums) {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, 1, "run-a", 0, "toy", "session-1", 16,
                "logreg", List.of(), List.of(), checksums);
    }

    private static org.apache.hadoop.fs.Path onHadoop(Path folder) {
        return new org.apache.hadoop.fs.Path(folder.toString());
    }

    @Test
    void writesMapEntriesInKeyOrderWhateverTheMapsOrder(@TempDir Path dir) throws IOException {
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("velocities.bin", "b".repeat(64));
        reversed.put("params.bin", "a".repeat(64));
        Map<String, String> sorted = new LinkedHashMap<>();
        sorted.put("params.bin", "a".repeat(64));
        sorted.put("velocities.bin", "b".repeat(64));
        Path first = Files.createDirectories(dir.resolve("first"));
        Path second = Files.createDirectories(dir.resolve("second"));
        Configuration hadoop = new Configuration();
        Manifests.write(onHadoop(first), manifest(reversed), hadoop);
        Manifests.write(onHadoop(second), manifest(sorted), hadoop);
        String text = Files.readString(first.resolve(Manifests.MANIFEST));
        assertTrue(text.indexOf("\"params.bin\"") < text.indexOf("\"velocities.bin\""), text);
        assertEquals(text, Files.readString(second.resolve(Manifests.MANIFEST)));
        assertEquals(reversed, Manifests.read(onHadoop(first),
                CheckpointManifest.class, hadoop).checksums());
    }
}
