package org.twintrain.dataprep.etl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.twintrain.dataprep.format.LabelKind;

/**
 * Command-line options of {@link PrepJob}:
 * <pre>
 * --dataset cifar10|cifar100|mnist|digits|text   (required)
 * --input PATH        folder (or CIFAR release tarball, or one optical digits file), local or any Hadoop URI (required)
 * --output PATH       folder to create, local or any Hadoop URI (required)
 * --labels fine|coarse   CIFAR-100 label kind (default fine)
 * --vocab-size N      text: vocabulary size including the 4 specials (default: no limit)
 * --min-count N       text: keep tokens seen at least N times in training (default 2)
 * --src LANG --tgt LANG  text: file extensions of the two sides (default en, fr)
 * --bucket-width N    text: bucket = (max(src_len, tgt_len) - 1) / N (default 10)
 * --partitions N      decoding tasks (default: 2 x Spark's default parallelism)
 * --overwrite         replace an existing output
 * </pre>
 */
public record PrepOptions(String dataset, String input, String output, LabelKind labels, int vocabSize,
                          long minCount, String srcLang, String tgtLang, int bucketWidth, int partitions,
                          boolean overwrite) {

    public static final List<String> DATASETS = List.of("cifar10", "cifar100", "mnist", "digits", "text");

    public PrepOptions {
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("--dataset must be one of " + DATASETS + ", got " + dataset);
        }
        if (input == null || output == null) {
            throw new IllegalArgumentException("--input and --output are required");
        }
        if (labels == LabelKind.COARSE && !dataset.equals("cifar100")) {
            throw new IllegalArgumentException("--labels coarse applies to cifar100 only");
        }
        if (vocabSize < 0 || (vocabSize > 0 && vocabSize < 5) || minCount < 1 || bucketWidth < 1 || partitions < 0) {
            throw new IllegalArgumentException("bad numeric option: --vocab-size >= 5, --min-count >= 1, "
                    + "--bucket-width >= 1, --partitions >= 1");
        }
    }

    /** Parses {@code --key value} arguments (and the {@code --overwrite} flag). */
    public static PrepOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean overwrite = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--overwrite")) {
                overwrite = true;
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                values.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
        }
        List<String> known = List.of("dataset", "input", "output", "labels", "vocab-size", "min-count", "src",
                "tgt", "bucket-width", "partitions");
        List<String> unknown = new ArrayList<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + unknown);
        }
        boolean sizeGiven = values.containsKey("vocab-size");
        return new PrepOptions(
                values.get("dataset"),
                values.get("input"),
                values.get("output"),
                LabelKind.valueOf(values.getOrDefault("labels", "fine").toUpperCase(Locale.ROOT)),
                Integer.parseInt(values.getOrDefault("vocab-size", "0")),
                Long.parseLong(values.getOrDefault("min-count", sizeGiven ? "1" : "2")),
                values.getOrDefault("src", "en"),
                values.getOrDefault("tgt", "fr"),
                Integer.parseInt(values.getOrDefault("bucket-width", "10")),
                Integer.parseInt(values.getOrDefault("partitions", "0")),
                overwrite);
    }

    /** The options as strings, for the manifest. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("input", input);
        m.put("output", output);
        if (!dataset.equals("text")) {
            m.put("labels", labels.name().toLowerCase(Locale.ROOT));
        } else {
            m.put("vocabSize", vocabSize);
            m.put("minCount", minCount);
            m.put("src", srcLang);
            m.put("tgt", tgtLang);
            m.put("bucketWidth", bucketWidth);
        }
        m.put("partitions", partitions);
        return m;
    }
}
