package org.twintrain.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.sharing.triples.ByteSource;

/**
 * The store's folder reader on Hadoop's checksummed local file system: records read by seeking kept streams
 * are the file's bytes in any order and from several threads, still after close, and the file system's CRC
 * check still refuses a damaged byte.
 */
class HadoopFolderSourceTest {
    private static final int FILE_BYTES = 3 * HadoopFolderSource.BUFFER_BYTES + 12_345; // several read-aheads

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void recordsAreTheFilesBytesInAnyOrderFromAnyThreadAndAfterClose() throws Exception {
        Path folder = new Path(tmp.toUri());
        byte[][] files = {write(folder, "part-00000", 1), write(folder, "part-00001", 2)};
        List<long[]> records = records(new Random(3)); // {file, position, length}
        try (ByteSource source = TripleStore.byteSource(folder, new Configuration())) {
            assertEquals(List.of("part-00000", "part-00001"), source.list(), "the CRC files are the file system's own");
            assertEquals(FILE_BYTES, source.size("part-00001"));
            for (long[] r : records) { // in file order, as a window is taken
                check(source, files, r);
            }
            List<long[]> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, new Random(4)); // backwards and across files
            for (long[] r : shuffled) {
                check(source, files, r);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    List<long[]> mine = new ArrayList<>(records);
                    Collections.shuffle(mine, new Random(10 + t));
                    done.add(pool.submit(() -> {
                        for (long[] r : mine) {
                            check(source, files, r);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThrows(NoSuchFileException.class, () -> source.readFully("part-00009", 0, new byte[8]));
            source.close();
            check(source, files, records.get(records.size() / 2)); // a late reader still gets its record

            assertThrows(NoSuchFileException.class, () -> source.readFully("part-00009", 0, new byte[8]));
            assertThrows(EOFException.class, () -> source.readFully("part-00000", FILE_BYTES - 4, new byte[8]));
        }
    }

    @Test
    void aCloseDuringReadsFailsNoReader() throws Exception {
        Path folder = new Path(tmp.toUri());
        byte[][] files = {write(folder, "part-00000", 7), write(folder, "part-00001", 8)};
        List<long[]> records = records(new Random(9));
        ByteSource source = TripleStore.byteSource(folder, new Configuration());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(4);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<long[]> mine = new ArrayList<>(records);
                Collections.shuffle(mine, new Random(20 + t));
                done.add(pool.submit(() -> {
                    started.countDown();
                    int reads = 0;
                    for (int round = 0; round < 3; round++) {
                        for (long[] r : mine) {
                            check(source, files, r);
                            reads++;
                        }
                    }
                    return reads;
                }));
            }
            started.await();
            source.close(); // while the readers are at it: each read either finishes first or reopens
            for (Future<Integer> f : done) {
                assertEquals(3 * records.size(), f.get(), "every read of every reader succeeded");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aDamagedByteIsRefusedByTheFileSystemsChecksum() throws IOException {
        Path folder = new Path(tmp.toUri());
        write(folder, "part-00000", 5);
        try (RandomAccessFile raw = new RandomAccessFile(tmp.resolve("part-00000").toFile(), "rw")) {
            raw.seek(2 * HadoopFolderSource.BUFFER_BYTES + 100); // behind the CRC file's back
            int b = raw.read();
            raw.seek(2 * HadoopFolderSource.BUFFER_BYTES + 100);
            raw.write(b ^ 0x40);
        }
        try (ByteSource source = TripleStore.byteSource(folder, new Configuration())) {
            byte[] before = new byte[1000];
            source.readFully("part-00000", 0, before); // the stream is open and undamaged bytes read
            assertThrows(ChecksumException.class,
                    () -> source.readFully("part-00000", 2 * HadoopFolderSource.BUFFER_BYTES, new byte[4096]));
        }
    }

    /** Writes a file of random bytes through Hadoop's local file system (so with its CRC file). */
    private static byte[] write(Path folder, String name, long seed) throws IOException {
        byte[] bytes = new byte[FILE_BYTES];
        new Random(seed).nextBytes(bytes);
        FileSystem fs = folder.getFileSystem(new Configuration());
        try (FSDataOutputStream out = fs.create(new Path(folder, name))) {
            out.write(bytes);
        }
        return bytes;
    }

    /** Consecutive records of both files, 1 byte to 300 KB each, as a window's part files hold them. */
    private static List<long[]> records(Random random) {
        List<long[]> records = new ArrayList<>();
        for (int file = 0; file < 2; file++) {
            long at = 0;
            while (at < FILE_BYTES) {
                long length = Math.min(FILE_BYTES - at, 1 + random.nextInt(random.nextBoolean() ? 300_000 : 2_000));
                records.add(new long[] {file, at, length});
                at += length;
            }
        }
        assertTrue(records.size() > 20);
        return records;
    }

    private static void check(ByteSource source, byte[][] files, long[] r) throws IOException {
        byte[] got = new byte[(int) r[2]];
        source.readFully("part-0000" + r[0], r[1], got);
        assertArrayEquals(Arrays.copyOfRange(files[(int) r[0]], (int) r[1], (int) (r[1] + r[2])), got,
                "bytes " + r[1] + ".. of part-0000" + r[0]);
    }
}
