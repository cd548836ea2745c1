package org.twintrain.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.twintrain.approx.ApproxConfig;
import org.twintrain.approx.ApproxRegistry;
import org.twintrain.approx.Softmax;
import org.twintrain.jobs.study.StudyConfig;
import org.twintrain.jobs.study.StudyJob;
import org.twintrain.jobs.study.SvgChart;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.triples.TripleKey;

/**
 * The Pareto page: for every e^x approximation, Table 2's CIFAR-10 accuracy and Table 3's perplexity (means over
 * seeds, from the study outputs' {@code summary.tsv}) against the two-party cost of its softmax per element
 * (rounds, bytes, correlated randomness) in a training step (forward and loss gradient) and in the forward alone,
 * measured here on the two-party backend like {@link CostTable} (f = 16, wrap-free truncation) at 10 classes
 * (Table 2) and at the vocabulary of 2,000 words (Table 3). A study row {@code name+py} (a block trained with
 * {@code train.gradient = secureml}) is costed with that gradient. Writes OUT.md and two SVG plots beside it.
 * Run from the repository root after the two studies:
 *
 * <pre>
 * mvn -o -q -B -pl spark-jobs -am compile
 * CP=spark-jobs/target/classes:approx/target/classes:sharing/target/classes:$HOME/.m2/repository/dev/ludovic/netlib/blas/3.2.0/blas-3.2.0.jar:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar
 * java -cp $CP org.twintrain.tools.ParetoPage docs/results/pareto.md OUT2/summary.tsv OUT3/summary.tsv
 * </pre>
 *
 * A missing summary file leaves its column n/a (the costs are still measured). An approximation is on the
 * front of a table when no other is at most as expensive in a training step's bytes per element and better in
 * its metric.
 */
public final class ParetoPage {
    static final int VOCAB = 2000;
    /** Indices of a row's costs: the forward at 10 classes and 2,000 words, a training step's at both. */
    static final int FORWARD_10 = 0, FORWARD_2K = 1, TRAIN_10 = 2, TRAIN_2K = 3;

    /** An approximation's cost of one softmax call, per element (logit). */
    record SoftmaxCost(long rounds, double bytes, double triples, double storedBytes) {
    }

    /** A summary.tsv line that matters here: the mean and deviation of a row, finished and total seeds. */
    record Metric(double mean, double sd, int finished, int seeds) {
        String text() {
            if (finished == 0) {
                return "no seed finished";
            }
            String s = String.format(Locale.ROOT, "%.2f", mean);
            if (Double.isFinite(sd)) {
                s += String.format(Locale.ROOT, " ± %.2f", sd);
            }
            return s + (finished < seeds ? " (" + finished + " of " + seeds + " seeds)" : seeds > 1 ? " (" + seeds + ")" : "");
        }
    }

    private ParetoPage() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ParetoPage OUTPUT.md TABLE2_SUMMARY.tsv TABLE3_SUMMARY.tsv [ELEMENTS]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int n = args.length == 4 ? Integer.parseInt(args[3]) : 20_000;
        Map<String, Metric> accuracy = read(Path.of(args[1]), "cifar10", null);
        Map<String, Metric> perplexity = read(Path.of(args[2]), null, "pwl:3");
        Map<String, SoftmaxCost[]> costs = new LinkedHashMap<>();
        for (String name : rowNames(accuracy, perplexity)) {
            costs.put(name, new SoftmaxCost[] {cost(name, 10, n, false), cost(name, VOCAB, n, false),
                cost(name, 10, n, true), cost(name, VOCAB, n, true)});
            System.err.println("measured " + name);
        }
        String base = out.getFileName().toString().replaceAll("\\.md$", "");
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(base + "-table2.svg"), plot("Table 2 CIFAR-10: dev accuracy against two-party "
                + "cost", "bytes per softmax element in a training step (10 classes)", "dev accuracy (%)", accuracy, costs,
                TRAIN_10), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(base + "-table3.svg"), plot("Table 3: dev perplexity against two-party cost",
                "bytes per softmax element in a training step (2,000 words)", "dev perplexity", perplexity, costs,
                TRAIN_2K), StandardCharsets.UTF_8);
        String md = markdown(args, n, base, accuracy, perplexity, costs);
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    /**
     * The rows of the page: every e^x that runs on two parties, in the registry's order, each followed by its
     * p - y variant ({@code name+py}, trained with SecureML's gradient) when a summary has one.
     */
    static List<String> rowNames(Map<String, Metric> accuracy, Map<String, Metric> perplexity) {
        List<String> out = new ArrayList<>();
        for (String name : ApproxRegistry.expNames()) {
            if (ApproxRegistry.exp(name).cleartextOnly()) {
                continue;
            }
            out.add(name);
            String py = name + StudyConfig.P_MINUS_Y;
            if (!of(accuracy, py).isEmpty() || !of(perplexity, py).isEmpty()) {
                out.add(py);
            }
        }
        return out;
    }

    /** The softmax of a row: its e^x, and SecureML's p - y gradient for a {@code +py} row. */
    static Softmax softmax(String row) {
        boolean py = row.endsWith(StudyConfig.P_MINUS_Y);
        String exp = py ? row.substring(0, row.length() - StudyConfig.P_MINUS_Y.length()) : row;
        return ApproxConfig.parse(Map.of("exp", exp, "softmax.gradient", py ? "secureml" : "exact")).softmax();
    }

    /**
     * One softmax call of a row on rows x cols logits on two parties, per element: the forward alone, or a
     * training step's (probabilities and the loss gradient, {@link Softmax#forwardAndGradient}, with shared
     * one-hot targets).
     */
    static SoftmaxCost cost(String name, int cols, int elements, boolean training) {
        Softmax s = softmax(name);
        int rows = Math.max(1, elements / cols);
        BiFunction<Arithmetic, Matrix, Matrix> op = !training ? s::forward
                : (a, x) -> s.forwardAndGradient(a, x, sharedOneHot(a, x))[1];
        FixedPoint codec = new FixedPoint(16);
        CostTable.measure(codec, TruncationMode.WRAP_FREE, 1, cols, op); // warm-up
        CostTable.Cost c = CostTable.measure(codec, TruncationMode.WRAP_FREE, rows, cols, op);
        double elems = (double) rows * cols;
        double triples = 0;
        for (Map.Entry<TripleKey.Kind, Long> e : c.correlations().entrySet()) {
            if (e.getKey() != TripleKey.Kind.AND && e.getKey() != TripleKey.Kind.COMPARE) {
                triples += e.getValue();
            }
        }
        return new SoftmaxCost(c.rounds(), c.bytes() / elems, triples / elems, c.storedBytes() / elems);
    }

    /** One-hot targets shaped like x (row i's class (7 i) mod cols), shared as the training data is: x - x + public. */
    private static Matrix sharedOneHot(Arithmetic a, Matrix x) {
        double[] targets = new double[x.rows() * x.cols()];
        for (int i = 0; i < x.rows(); i++) {
            targets[i * x.cols() + (i * 7) % x.cols()] = 1;
        }
        return a.add(a.sub(x, x), a.fromPublic(x.rows(), x.cols(), targets));
    }

    /**
     * approx -> metric from a study summary: rows of the data set (null: any) and tanh (null: any; with a tanh
     * given, a row of another tanh is taken only when none has it), first model when several (its name kept).
     */
    static Map<String, Metric> read(Path summary, String dataset, String tanh) throws IOException {
        Map<String, Metric> out = new LinkedHashMap<>();
        if (!Files.exists(summary)) {
            System.err.println("no " + summary + ": its column stays n/a");
            return out;
        }
        Map<String, Boolean> exactTanh = new LinkedHashMap<>();
        for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.startsWith("dataset\t") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (dataset != null && !f[0].equals(dataset)) {
                continue;
            }
            String key = f[2] + (dataset != null ? " " + f[1] : "");
            boolean preferred = tanh == null || f[3].equals(tanh);
            if (out.containsKey(key) && (exactTanh.get(key) || !preferred)) {
                continue;
            }
            out.put(key, new Metric(Double.parseDouble(f[5]), Double.parseDouble(f[6]), Integer.parseInt(f[8]),
                    Integer.parseInt(f[7])));
            exactTanh.put(key, preferred);
        }
        return out;
    }

    /** The metric of an approximation: the first model's (Table 2 keys carry the model). */
    private static List<Map.Entry<String, Metric>> of(Map<String, Metric> metrics, String approx) {
        List<Map.Entry<String, Metric>> out = new ArrayList<>();
        for (Map.Entry<String, Metric> e : metrics.entrySet()) {
            if (e.getKey().equals(approx) || e.getKey().startsWith(approx + " ")) {
                out.add(e);
            }
        }
        return out;
    }

    private static String plot(String title, String xLabel, String yLabel, Map<String, Metric> metrics,
            Map<String, SoftmaxCost[]> costs, int which) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        double maxX = 1, minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, SoftmaxCost[]> c : costs.entrySet()) {
            for (Map.Entry<String, Metric> m : of(metrics, c.getKey())) {
                if (m.getValue().finished() == 0) {
                    continue;
                }
                double x = c.getValue()[which].bytes();
                series.put(m.getKey(), List.of(new double[] {x, m.getValue().mean()}));
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, m.getValue().mean());
                maxY = Math.max(maxY, m.getValue().mean());
            }
        }
        if (!Double.isFinite(minY)) {
            minY = 0;
            maxY = 1;
        }
        double pad = Math.max(1e-9, (maxY - minY) * 0.05);
        return SvgChart.chart(title, xLabel, yLabel, series, 0, maxX * 1.1, minY - pad, maxY + pad, false);
    }

    /** Names on the front: no other is at most as expensive (bytes) and strictly better. */
    static List<String> front(Map<String, Double> metric, Map<String, Double> bytes, boolean higherIsBetter) {
        List<String> out = new ArrayList<>();
        for (String a : metric.keySet()) {
            boolean dominated = false;
            for (String b : metric.keySet()) {
                double ma = metric.get(a), mb = metric.get(b);
                boolean better = higherIsBetter ? mb > ma : mb < ma;
                if (!a.equals(b) && bytes.get(b) <= bytes.get(a) && better) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(a);
            }
        }
        return out;
    }

    private static String markdown(String[] args, int n, String base, Map<String, Metric> accuracy,
            Map<String, Metric> perplexity, Map<String, SoftmaxCost[]> costs) {
        StringBuilder sb = new StringBuilder("# Which softmax approximation is worth its two-party price\n\n");
        sb.append("Generated by `org.twintrain.tools.ParetoPage`; do not edit by hand. From the repository root:\n\n```\n");
        sb.append("mvn -o -q -B -pl spark-jobs -am compile\n");
        sb.append("CP=spark-jobs/target/classes:approx/target/classes:sharing/target/classes:$HOME/.m2/repository/dev/ludovic/"
                + "netlib/blas/3.2.0/blas-3.2.0.jar:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar\n");
        sb.append("java -cp $CP org.twintrain.tools.ParetoPage ").append(String.join(" ", args)).append("\n```\n\n");
        sb.append("Metrics: means ± sample standard deviations over seeds from the study outputs (`").append(args[1])
                .append("`: Table 2, CIFAR-10 dev accuracy in %, per model; `").append(args[2])
                .append("`: Table 3, dev perplexity, rows with the pwl:3 tanh where the grid has them). Costs per "
                + "logit of one softmax call on two parties (f = 16, wrap-free truncation, dealer triples, in-memory "
                + "channel, `ring.comparison = auto`), ").append(n).append(" logits at 10 classes (Table 2) and at 2,000 "
                + "words (Table 3): *rounds* of the call, *bytes* one party sends, *triples* (MUL + SQUARE + TRUNC + BIT "
                + "correlations) and *stored* bytes of everything the dealer makes for it (server 1's triples, AND "
                + "triples and DCF keys). The first table is a training step's softmax (probabilities and the loss "
                + "gradient with secret one-hot targets): with the true derivative (the default) or, for a `+py` row, "
                + "SecureML's p - y (the same forward, no derivative of e^x, no division by the target's e); the second "
                + "is the forward alone (inference). limit:n and pwlsm:k include the row maximum's comparison tree "
                + "(ceil(log2 c) levels). *front*: no other row is at most as expensive in a training step's bytes and "
                + "better.\n\n");
        Map<String, Double> accMetric = new LinkedHashMap<>(), pplMetric = new LinkedHashMap<>();
        Map<String, Double> accBytes = new LinkedHashMap<>(), pplBytes = new LinkedHashMap<>();
        for (Map.Entry<String, SoftmaxCost[]> c : costs.entrySet()) {
            for (Map.Entry<String, Metric> m : of(accuracy, c.getKey())) {
                if (m.getValue().finished() > 0) {
                    accMetric.put(m.getKey(), m.getValue().mean());
                    accBytes.put(m.getKey(), c.getValue()[TRAIN_10].bytes());
                }
            }
            for (Map.Entry<String, Metric> m : of(perplexity, c.getKey())) {
                if (m.getValue().finished() > 0) {
                    pplMetric.put(m.getKey(), m.getValue().mean());
                    pplBytes.put(m.getKey(), c.getValue()[TRAIN_2K].bytes());
                }
            }
        }
        // one front per model: accuracies of different networks do not compete
        List<String> accFront = new ArrayList<>();
        for (String model : accMetric.keySet().stream().map(k -> k.substring(k.indexOf(' ') + 1)).distinct().toList()) {
            Map<String, Double> m = new LinkedHashMap<>();
            accMetric.forEach((k, v) -> {
                if (k.endsWith(" " + model)) {
                    m.put(k, v);
                }
            });
            accFront.addAll(front(m, accBytes, true));
        }
        List<String> pplFront = front(pplMetric, pplBytes, false);
        sb.append("## A training step's softmax\n\n| e^x | CIFAR-10 accuracy % | perplexity | rounds (10) | bytes/elem (10) "
                + "| triples/elem (10) | rounds (2k) | bytes/elem (2k) | triples/elem (2k) |\n");
        sb.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        List<String> names = new ArrayList<>(List.of("exact"));
        names.addAll(costs.keySet());
        for (String name : names) {
            SoftmaxCost[] c = costs.get(name);
            sb.append("| ").append(name).append(" | ").append(cells(of(accuracy, name), accFront)).append(" | ")
                    .append(cells(of(perplexity, name), pplFront)).append(" |");
            for (int w : new int[] {TRAIN_10, TRAIN_2K}) {
                sb.append(c == null ? " cleartext only | | |" : String.format(Locale.ROOT, " %d | %.1f | %.2f |",
                        c[w].rounds(), c[w].bytes(), c[w].triples()));
            }
            sb.append('\n');
        }
        sb.append("\n## The forward alone\n\n| e^x | rounds (10) | bytes/elem (10) | triples/elem (10) | stored B/elem (10) "
                + "| rounds (2k) | bytes/elem (2k) | triples/elem (2k) | stored B/elem (2k) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map.Entry<String, SoftmaxCost[]> e : costs.entrySet()) {
            if (e.getKey().endsWith(StudyConfig.P_MINUS_Y)) {
                continue; // the same forward as its e^x's row
            }
            sb.append("| ").append(e.getKey()).append(" |");
            for (int w : new int[] {FORWARD_10, FORWARD_2K}) {
                SoftmaxCost c = e.getValue()[w];
                sb.append(String.format(Locale.ROOT, " %d | %.1f | %.2f | %.0f |", c.rounds(), c.bytes(), c.triples(),
                        c.storedBytes()));
            }
            sb.append('\n');
        }
        sb.append("\nPlots: [accuracy against bytes](").append(base).append("-table2.svg), [perplexity against bytes](")
                .append(base).append("-table3.svg).\n");
        return sb.toString();
    }

    private static String cells(List<Map.Entry<String, Metric>> ms, List<String> front) {
        if (ms.isEmpty()) {
            return "n/a";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Metric> m : ms) {
            String model = m.getKey().contains(" ") ? m.getKey().substring(m.getKey().indexOf(' ') + 1) + ": " : "";
            parts.add(model + m.getValue().text() + (front.contains(m.getKey()) ? " **front**" : ""));
        }
        return String.join("<br>", parts);
    }
}
