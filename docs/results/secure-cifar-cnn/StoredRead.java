import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.ByteSource;
import org.twintrain.sharing.triples.StoredTripleSource;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TripleManifest;
import org.twintrain.store.TripleStore;

/**
 * Issue-17 analysis: what one training step's stored triples cost a server to read, on a plan dealt in windows of
 * one step (`triples --window-steps 1`): the raw bytes of window 0 (FileChannel, the floor), the SHA-256 check
 * against its manifest that a server makes when it opens a window (through Hadoop's local file system, which
 * also checks its CRC files), opening the window and taking every key through the stored triple source as
 * training does (the check, reading and decoding), and the takes alone through the store's reader, through the
 * reader it replaced (a Hadoop stream opened per key) and through a plain local FileChannel.
 * The raw read and the check cover the files the window's manifest lists. Wall and thread CPU time, median of
 * REPEATS; warm page cache (each measurement runs once first). Writes nothing.
 * Usage: StoredRead STORE PARTY PLAN_ID REPEATS
 */
public final class StoredRead {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        StoreLayout store = new StoreLayout(args[0]);
        int party = Integer.parseInt(args[1]);
        String planId = args[2];
        int repeats = Integer.parseInt(args[3]);
        Configuration hadoop = new Configuration();
        Path window = store.tripleWindow(planId, 0);
        FileSystem fs = window.getFileSystem(hadoop);
        // The window's files as its manifest lists them: what a server checks on opening it.
        List<Path> files = new ArrayList<>();
        for (String name : Manifests.read(window, TripleManifest.class, hadoop).checksums().keySet()) {
            files.add(new Path(window, name));
        }
        long bytes = 0;
        for (Path file : files) {
            bytes += fs.getFileStatus(file).getLen();
        }
        System.out.printf(Locale.ROOT, "window 0 of plan %s, party %d: %,d bytes%n", planId.substring(0, 12), party,
                bytes);
        measure("raw read (FileChannel, 8 MB buffer)", repeats, () -> rawRead(files));
        measure("SHA-256 check of the window (as on opening it)", repeats, () -> {
            for (Path file : files) {
                Manifests.sha256(file, hadoop);
            }
        });
        measure("open the window and take every key (as training)", repeats, () -> takeAll(store, party, planId,
                hadoop));
        measure("take every key: the store's reader, no check", repeats, () -> takeAllVia(store, party, planId,
                w -> TripleStore.byteSource(store.tripleWindow(planId, w.index()), hadoop)));
        measure("take every key: a Hadoop stream opened per key", repeats, () -> takeAllVia(store, party, planId,
                w -> perKey(fs, store.tripleWindow(planId, w.index()), 0)));
        measure("the same, each opened with a 1 MB buffer", repeats, () -> takeAllVia(store, party, planId,
                w -> perKey(fs, store.tripleWindow(planId, w.index()), 1 << 20)));
        measure("take every key: a local FileChannel ByteSource", repeats, () -> takeAllVia(store, party, planId,
                w -> ByteSource.folder(java.nio.file.Path.of(store.tripleWindow(planId, w.index()).toUri().getPath()))));
    }

    interface Work {
        void run() throws Exception;
    }

    static void measure(String what, int repeats, Work work) throws Exception {
        work.run(); // warm the page cache and the JIT
        double[] wall = new double[repeats], cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long c0 = CPU.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            work.run();
            wall[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "%-50s wall %.3f s (%.3f-%.3f), thread CPU %.3f s, median of %d%n", what,
                wall[repeats / 2], wall[0], wall[repeats - 1], cpu[repeats / 2], repeats);
    }

    static void rawRead(List<Path> files) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(8 << 20);
        for (Path file : files) {
            try (FileChannel ch = FileChannel.open(java.nio.file.Path.of(file.toUri().getPath()), StandardOpenOption.READ)) {
                while (ch.read(buffer) > 0) {
                    buffer.clear();
                }
            }
        }
    }

    /**
     * The store's reader before it kept its streams (up to a8ad63d): a positioned readFully on a Hadoop stream
     * opened per key, with io.file.buffer.size (buffer 0) or the given buffer.
     */
    static ByteSource perKey(FileSystem fs, Path folder, int buffer) {
        return new ByteSource() {
            @Override
            public java.util.List<String> list() throws java.io.IOException {
                try (ByteSource store = TripleStore.byteSource(folder, fs.getConf())) {
                    return store.list();
                }
            }

            @Override
            public long size(String name) throws java.io.IOException {
                return fs.getFileStatus(new Path(folder, name)).getLen();
            }

            @Override
            public void readFully(String name, long position, byte[] into) throws java.io.IOException {
                try (var in = buffer == 0 ? fs.open(new Path(folder, name)) : fs.open(new Path(folder, name), buffer)) {
                    in.readFully(position, into);
                }
            }
        };
    }

    static void takeAllVia(StoreLayout store, int party, String planId, StoredTripleSource.WindowOpener opener)
            throws Exception {
        TriplePlan plan;
        try (var in = Files.newInputStream(java.nio.file.Path.of(
                new Path(store.triples(planId), TripleFile.PLAN_FILE).toUri().getPath()))) {
            plan = TriplePlan.read(in, planId);
        }
        try (StoredTripleSource source = StoredTripleSource.openWindows(plan, 1, party, FixedPoint.defaults(),
                TruncationMode.WRAP_FREE, opener, null)) {
            takeWindow0(source);
        }
    }

    static void takeWindow0(StoredTripleSource source) {
        TriplePlan.Window w = source.windows().get(0);
        for (int i = w.first(); i < w.end(); i++) {
            source.take(source.plan().key(i));
        }
    }

    static void takeAll(StoreLayout store, int party, String planId, Configuration hadoop) throws Exception {
        try (StoredTripleSource source = TripleStore.openWindows(store, party, planId, FixedPoint.defaults(),
                TruncationMode.WRAP_FREE, null, java.time.Duration.ofSeconds(5), (w, session) -> { }, false, hadoop)) {
            takeWindow0(source);
        }
    }
}
