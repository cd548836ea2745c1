import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * Issue-17 analysis: the sizes of server 1's stored records in the first windows of a run's plan cut into windows
 * of W steps, and how many of their bytes lie in records over 32 MB (glibc's largest dynamic mmap threshold: a
 * single JDK read of such a record always goes through a fresh mapping of its size). Writes nothing.
 * Usage: RecordSizes STORE1 DATA TEST CONF W WINDOWS
 */
public final class RecordSizes {
    public static void main(String[] args) throws Exception {
        StoreLayout store = new StoreLayout(args[0]);
        Configuration hadoop = new Configuration();
        DataShareManifest data = Manifests.read(store.data(args[1]), DataShareManifest.class, hadoop);
        DataShareManifest test = Manifests.read(store.data(args[2]), DataShareManifest.class, hadoop);
        TwinTrainConf conf = TwinTrainConf.defaults().withFile(Path.of(args[3]));
        TriplePlan plan = EngineProgram.plan(conf.asMap(), data, test);
        int steps = Integer.parseInt(args[4]), shown = Integer.parseInt(args[5]);
        final long big = 32L << 20;
        for (TriplePlan.Window w : plan.windows(steps).subList(0, shown)) {
            long bytes = 0, bigBytes = 0, max = 0;
            int bigCount = 0;
            TripleKey largest = null;
            for (int i = w.first(); i < w.end(); i++) {
                long b = TripleFile.recordBytes(plan.key(i));
                bytes += b;
                if (b > big) {
                    bigBytes += b;
                    bigCount++;
                }
                if (b > max) {
                    max = b;
                    largest = plan.key(i);
                }
            }
            System.out.printf(Locale.ROOT, "window %d (%d-step windows): %,d keys, %,d bytes; over 32 MB: %d records, "
                    + "%,d bytes (%.0f %%); largest %,d bytes (%s)%n", w.index(), steps, w.keys(), bytes, bigCount,
                    bigBytes, 100.0 * bigBytes / bytes, max, largest.kind());
        }
    }
}
