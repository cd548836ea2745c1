import java.util.Locale;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;

/**
 * Issue-17 analysis: the sizes of server 1's stored records in the first windows of a run's plan cut into windows
 * of W steps, and how many of their bytes lie in records over 32 MB (glibc's largest dynamic mmap threshold: a
 * single JDK read of such a record always goes through a fresh mapping of its size). Writes nothing.
 * Reads the plan as StoredHalf does (compile the two together).
 * Usage: RecordSizes STORE1 DATA TEST CONF W WINDOWS
 */
public final class RecordSizes {
    public static void main(String[] args) throws Exception {
        TriplePlan plan = StoredHalf.RunPlan.read(args).plan();
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
