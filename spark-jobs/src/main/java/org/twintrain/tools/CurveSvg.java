package org.twintrain.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.twintrain.jobs.study.SvgChart;

/**
 * Learning curves (dev accuracy against epochs) of one run in several forms as an SVG: a secure run's
 * {@code CheckpointCurve} table (step, accuracy, rows) beside {@link TrainLocal} outputs (its "epoch E ... dev_accuracy
 * A" lines). Example:
 * <pre>
 * java -cp ... org.twintrain.tools.CurveSvg --out curve.svg --title "..." --stepsPerEpoch 156 \
 *   --curves "secure=curve.tsv;fixed-point emulation=emulation-fixed.out;double=emulation-double.out"
 * </pre>
 * A file whose name ends in .tsv is read as a CheckpointCurve table, any other as TrainLocal output.
 */
public final class CurveSvg {
    private static final Pattern EPOCH_LINE = Pattern.compile("^epoch (\\S+) step \\d+ dev_accuracy (\\S+) .*");

    private CurveSvg() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("out", "");
        d.put("title", "dev accuracy");
        d.put("stepsPerEpoch", "0");
        d.put("curves", "");
        Args args = new Args(argv, d);
        if (args.get("out").isEmpty() || args.get("curves").isEmpty()) {
            throw new IllegalArgumentException("--out and --curves are required");
        }
        Map<String, Path> curves = new LinkedHashMap<>();
        for (String item : args.get("curves").split(";")) {
            int eq = item.lastIndexOf('='); // a label may hold '=' (f=16), a path does not
            if (eq <= 0 || eq == item.length() - 1) {
                throw new IllegalArgumentException("--curves takes label=file items separated by ';', got '" + item
                        + "'");
            }
            curves.put(item.substring(0, eq).trim(), Path.of(item.substring(eq + 1).trim()));
        }
        Files.writeString(Path.of(args.get("out")), svg(args.get("title"), curves, args.getInt("stepsPerEpoch")),
                StandardCharsets.UTF_8);
    }

    /** The chart of the labelled files; stepsPerEpoch turns a CheckpointCurve table's steps into epochs. */
    static String svg(String title, Map<String, Path> curves, int stepsPerEpoch) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        double maxX = 1;
        double minY = 100;
        double maxY = 0;
        for (Map.Entry<String, Path> c : curves.entrySet()) {
            List<double[]> points = c.getValue().toString().endsWith(".tsv")
                    ? checkpointCurve(c.getValue(), stepsPerEpoch) : trainLocal(c.getValue());
            if (points.isEmpty()) {
                throw new IllegalArgumentException(c.getValue() + " (" + c.getKey() + ") holds no accuracy points");
            }
            for (double[] p : points) {
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
            series.put(c.getKey(), points);
        }
        double pad = Math.max(1, (maxY - minY) * 0.05);
        return SvgChart.chart(title, "epoch", "dev accuracy (%)", series, 0, maxX, Math.floor(minY - pad),
                Math.ceil(maxY + pad), true);
    }

    /** (epoch, accuracy %) from the "epoch E step S dev_accuracy A ..." lines of a TrainLocal output. */
    static List<double[]> trainLocal(Path file) throws IOException {
        List<double[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = EPOCH_LINE.matcher(line);
            if (m.matches()) {
                out.add(new double[] {Double.parseDouble(m.group(1)), 100 * Double.parseDouble(m.group(2))});
            }
        }
        return out;
    }

    /** (epoch, accuracy %) from a CheckpointCurve table: a "step accuracy rows" header, then one line per step. */
    static List<double[]> checkpointCurve(Path file, int stepsPerEpoch) throws IOException {
        if (stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("--stepsPerEpoch is required for the CheckpointCurve table " + file);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("step\taccuracy")) {
            throw new IllegalArgumentException(file + " is not a CheckpointCurve table (no 'step<TAB>accuracy' header)");
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length < 2) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected step and accuracy");
            }
            out.add(new double[] {Double.parseDouble(f[0]) / stepsPerEpoch, 100 * Double.parseDouble(f[1])});
        }
        return out;
    }
}
