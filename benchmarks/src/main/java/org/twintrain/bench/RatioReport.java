package org.twintrain.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.twintrain.sharing.ring.RingMatMul;

/**
 * Runs the matmul benchmarks with JMH (short iterations, one fork) and prints a table of the ring product
 * against netlib's Vector API dgemm, in G multiply-adds per second, with the ratio ring/dgemm.
 *
 * <p>Usage (from the repository root):
 * <pre>
 * mvn -q -B -Pbench -pl benchmarks -am package -DskipTests &amp;&amp; java --add-modules=jdk.incubator.vector \
 *     -Ddev.ludovic.netlib.blas.allowNative=false -cp benchmarks/target/benchmarks.jar org.twintrain.bench.RatioReport
 * </pre>
 * The forked JVMs get {@link #DEFAULT_FLAGS}, or the flags in the system property {@code twintrain.jvm.flags}.
 * Arguments, if any, are JMH include patterns that replace the default set, e.g. {@code RingMatMul}. Without
 * arguments a second table follows from {@link PairedTiming}: ring and dgemm calls interleaved in this JVM,
 * fastest call of each, which is the steadier ratio when other work shares the machine.
 */
public final class RatioReport {
    /** What the forked benchmark JVMs need: the Vector API module and netlib's Vector API BLAS. */
    public static final String DEFAULT_FLAGS =
            "--add-modules=jdk.incubator.vector -Ddev.ludovic.netlib.blas.allowNative=false -Xmx2g";

    /**
     * The benchmarks the report runs (JMH include patterns). Ring and dgemm rows are paired by shape; any other
     * benchmark added here (e.g. a future SecureMatMulBenchmark) is listed in the "other benchmarks" table.
     */
    static final List<String> INCLUDES = List.of(
            RingMatMulBenchmark.class.getSimpleName(),
            DgemmBenchmark.class.getSimpleName(),
            SecureMatMulBenchmark.class.getSimpleName()
    );

    private RatioReport() {
    }

    public static void main(String[] args) throws Exception {
        String blas = DgemmBenchmark.implementation(); // logs netlib's choice before JMH's output starts
        String flags = System.getProperty("twintrain.jvm.flags", DEFAULT_FLAGS);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .forks(1)
                .shouldFailOnError(true)
                .jvmArgs(flags.trim().split("\\s+"));
        for (String include : args.length > 0 ? List.of(args) : INCLUDES) {
            options.include(include);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println(table(results, blas));
        System.out.println(secureTable(results));
        if (args.length == 0) {
            List<Shape> shapes = List.of(Shape.parse("128x784x128"), Shape.parse("128x128x10"),
                    Shape.parse("784x128x128"));
            System.out.println(PairedTiming.table(PairedTiming.measure(shapes, new int[] {1, 2})));
        }
    }

    /** Secure (two parties, in-memory channel) vs cleartext fixed-point matmul, and bytes against 8(mk+kn). */
    static String secureTable(Collection<RunResult> results) throws Exception {
        Map<String, RunResult> secure = new TreeMap<>();
        Map<String, RunResult> clear = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.contains(SecureMatMulBenchmark.class.getSimpleName())) {
                (name.endsWith(".secure") ? secure : clear).put(r.getParams().getParam("shape"), r);
            }
        }
        if (secure.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Secure matmul (Beaver matrix triple, local truncation, both parties in this JVM) vs cleartext fixed point%n"));
        out.append(String.format(Locale.ROOT, "%-13s %12s %12s %10s %16s %16s%n", "shape", "secure ms", "clear ms",
                "secure/clear", "bytes/party", "8(mk+kn)"));
        for (Map.Entry<String, RunResult> e : secure.entrySet()) {
            Shape s = Shape.parse(e.getKey());
            double secureMs = 1000 / mean(e.getValue());
            RunResult c = clear.get(e.getKey());
            double clearMs = c == null ? Double.NaN : 1000 / mean(c);
            out.append(String.format(Locale.ROOT, "%-13s %12.3f %12.3f %10.1fx %16d %16d%n", e.getKey(), secureMs, clearMs,
                    secureMs / clearMs, SecureMatMulBenchmark.bytesPerProduct(e.getKey()),
                    8L * ((long) s.m() * s.k() + (long) s.k() * s.n())));
        }
        out.append("Online phase only: the triple is made in setup. Times are means of the measurement iterations.\n");
        return out.toString();
    }

    /** The printed report: ring vs dgemm per shape and thread count, then any other benchmark. */
    static String table(Collection<RunResult> results, String blas) {
        Map<String, RunResult> dgemm = new TreeMap<>();
        List<RunResult> ring = new ArrayList<>();
        List<RunResult> other = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith(DgemmBenchmark.class.getSimpleName() + ".dgemm")) {
                dgemm.put(r.getParams().getParam("shape"), r);
            } else if (name.endsWith(RingMatMulBenchmark.class.getSimpleName() + ".ring")) {
                ring.add(r);
            } else if (!name.contains(SecureMatMulBenchmark.class.getSimpleName())) {
                other.add(r); // secure matmul has its own table
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Ring Z_2^64 matmul vs dgemm (%s), G multiply-adds/s%n",
                blas));
        out.append(String.format(Locale.ROOT, "%-13s %7s %10s %10s %11s %11s%n",
                "shape", "threads", "ring", "dgemm", "ring/dgemm", "best/best"));
        for (RunResult r : ring) {
            String shape = r.getParams().getParam("shape");
            double madds = Shape.parse(shape).multiplyAdds() / 1e9;
            RunResult d = dgemm.get(shape);
            out.append(String.format(Locale.ROOT, "%-13s %7s %10.2f %10s %11s %11s%n",
                    shape, r.getParams().getParam("threads"), mean(r) * madds,
                    d == null ? "-" : String.format(Locale.ROOT, "%.2f", mean(d) * madds),
                    d == null ? "-" : String.format(Locale.ROOT, "%.2f", mean(r) / mean(d)),
                    d == null ? "-" : String.format(Locale.ROOT, "%.2f", best(r) / best(d))));
        }
        out.append("ring/dgemm: ratio of mean ops/s; best/best: ratio of the fastest measurement iterations,\n"
                + "less sensitive to other load on the machine. dgemm (netlib) is single-threaded; below "
                + RingMatMul.PARALLEL_THRESHOLD + "\nmultiply-adds the ring product stays on one thread "
                + "whatever the threads parameter.\n");
        if (!other.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nOther benchmarks%n"));
            for (RunResult r : other) {
                out.append(String.format(Locale.ROOT, "%-60s %s %12.3f %s%n", r.getParams().getBenchmark(),
                        r.getParams().getParamsKeys().isEmpty() ? "" : paramsOf(r),
                        r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit()));
            }
        }
        return out.toString();
    }

    /** Mean ops/s over the measurement iterations. */
    private static double mean(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    /** Ops/s of the fastest measurement iteration. */
    private static double best(RunResult r) {
        double best = 0;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                best = Math.max(best, i.getPrimaryResult().getScore());
            }
        }
        return best;
    }

    private static String paramsOf(RunResult r) {
        StringBuilder s = new StringBuilder();
        for (String key : r.getParams().getParamsKeys()) {
            s.append(key).append('=').append(r.getParams().getParam(key)).append(' ');
        }
        return s.toString().trim();
    }
}
