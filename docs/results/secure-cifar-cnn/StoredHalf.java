import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.twintrain.jobs.TwinTrainConf;
import org.twintrain.jobs.train.EngineProgram;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.Manifests;
import org.twintrain.store.StoreLayout;

/**
 * Issue-17 analysis: what server 1's stored half of a run's plan holds, by kind, and how much of it is the
 * uniformly random parts (Beaver a and b, matrix and convolution masks, truncation and comparison masks r, the DCF
 * root seeds) that a dealer could let server 1 expand from a seed of its own, as it already lets server 0, leaving
 * only the dependent parts (c, Z, the truncation and comparison corrections, the DCF correction words) stored.
 * Reads the plan the `triples --data` job would deal; writes nothing.
 * Usage: StoredHalf STORE1 DATA TEST CONF
 */
public final class StoredHalf {
    /** A run's plan as the `triples --data DATA --test TEST --conf CONF` job deals it, with its data and conf. */
    record RunPlan(TriplePlan plan, DataShareManifest data, TwinTrainConf conf) {
        /** From args STORE1 DATA TEST CONF (RecordSizes reads its plan the same way). */
        static RunPlan read(String[] args) throws Exception {
            StoreLayout store = new StoreLayout(args[0]);
            Configuration hadoop = new Configuration();
            DataShareManifest data = Manifests.read(store.data(args[1]), DataShareManifest.class, hadoop);
            DataShareManifest test = Manifests.read(store.data(args[2]), DataShareManifest.class, hadoop);
            TwinTrainConf conf = TwinTrainConf.defaults().withFile(Path.of(args[3]));
            return new RunPlan(EngineProgram.plan(conf.asMap(), data, test), data, conf);
        }
    }

    public static void main(String[] args) throws Exception {
        RunPlan run = RunPlan.read(args);
        TriplePlan plan = run.plan();
        DataShareManifest data = run.data();
        TwinTrainConf conf = run.conf();
        int steps = conf.getInt("train.epochs") * (int) (data.rows() / conf.getInt("train.batchSize"));
        Map<TripleKey.Kind, long[]> byKind = new EnumMap<>(TripleKey.Kind.class);
        for (TripleKey key : plan.keys()) {
            int[] sizes = Dealer.partSizes(key);
            long all = 0, dependent = 0;
            for (int p = 0; p < sizes.length; p++) {
                all += sizes[p];
                if (!uniform(key.kind(), p)) {
                    dependent += sizes[p];
                }
            }
            long[] k = byKind.computeIfAbsent(key.kind(), x -> new long[3]);
            k[0]++;
            k[1] += all;
            k[2] += dependent;
        }
        long all = 0, dependent = 0;
        System.out.printf(Locale.ROOT, "plan %s: %,d keys, %d training steps%n", plan.id(), plan.size(), steps);
        System.out.println("| kind | keys | server 1 stores now, MB per step | dependent parts only, MB per step |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (var e : byKind.entrySet()) {
            long[] k = e.getValue();
            all += k[1];
            dependent += k[2];
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f |%n", e.getKey(), k[0], 8e-6 * k[1] / steps,
                    8e-6 * k[2] / steps);
        }
        System.out.printf(Locale.ROOT, "| all | %,d | %.1f | %.1f (%.0f %%) |%n", plan.size(), 8e-6 * all / steps,
                8e-6 * dependent / steps, 100.0 * dependent / all);
    }

    /** Whether part p of a kind is uniformly random (so server 1's half of it could come from a seed). */
    static boolean uniform(TripleKey.Kind kind, int p) {
        return switch (kind) {
            case MUL, AND, MATMUL, CONV -> p < 2;          // a, b (U, V; A, B); not c (Z)
            case SQUARE, TRUNC, CONV_KGRAD, MASKED_MATMUL -> p == 0; // a; r; V; V
            case BIT -> p == 0;                             // the XOR-shared bit; not its arithmetic share
            case COMPARE -> p == 0 || p == 3;               // r and the DCF root seed; not h, hr, correction words
            case DATA_MASK -> true;
            case CONV_IGRAD -> false;
        };
    }
}
