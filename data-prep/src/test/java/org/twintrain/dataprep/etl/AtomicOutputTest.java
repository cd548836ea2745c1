package org.twintrain.dataprep.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing is all or nothing, without Spark: a writer that fails after writing some files leaves nothing. */
class AtomicOutputTest {
    @TempDir
    Path dir;

    private final Configuration conf = new Configuration();

    private static void writeFile(org.apache.hadoop.fs.Path folder, String name, Configuration conf)
            throws IOException {
        try (var out = folder.getFileSystem(conf).create(new org.apache.hadoop.fs.Path(folder, name))) {
            out.write(1);
        }
    }

    @Test
    void failureMidwayLeavesNothing() {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("out").toUri());
        RuntimeException e = assertThrows(RuntimeException.class, () -> AtomicOutput.write(target, conf, false, tmp -> {
            writeFile(tmp, "part-0", conf);
            writeFile(tmp, Manifest.FILE, conf);
            throw new RuntimeException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of(), list(dir));
    }

    @Test
    void successPublishesWithMarkerAndOverwriteReplaces() throws Exception {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("out").toUri());
        AtomicOutput.write(target, conf, false, tmp -> writeFile(tmp, "first", conf));
        assertTrue(AtomicOutput.isComplete(target, conf));
        assertEquals(List.of("_COMPLETE", "first"), list(dir.resolve("out")).stream()
                .filter(n -> !n.endsWith(".crc")).toList());
        assertThrows(IOException.class, () -> AtomicOutput.write(target, conf, false, tmp -> { }));
        // A failed overwrite keeps the old complete output.
        assertThrows(IllegalStateException.class, () -> AtomicOutput.write(target, conf, true, tmp -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(Files.exists(dir.resolve("out/first")));
        AtomicOutput.write(target, conf, true, tmp -> writeFile(tmp, "second", conf));
        assertFalse(Files.exists(dir.resolve("out/first")));
        assertTrue(Files.exists(dir.resolve("out/second")));
        assertEquals(List.of("out"), list(dir));
    }

    @Test
    void existingIncompleteFolderIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("out").toUri());
        IOException e = assertThrows(IOException.class, () -> AtomicOutput.checkTarget(target, conf, false));
        assertTrue(e.getMessage().contains("exists (not a complete prepared set); pass --overwrite"), e.getMessage());
    }

    private static List<String> list(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith(".") || !n.endsWith(".crc"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
