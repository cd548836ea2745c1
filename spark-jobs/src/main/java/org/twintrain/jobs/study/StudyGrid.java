package org.twintrain.jobs.study;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A study grid file (Java properties; the format is documented in {@code conf/study/README.md} and in the
 * package comment) expanded to its configurations. Every key is checked: an unknown key, a missing setting or a
 * reference to an undefined model or data set is an error naming the file and the key.
 *
 * @param name    the grid's name (study.name)
 * @param title   the table's title (study.title)
 * @param metric  accuracy or perplexity: what the table shows
 * @param note    free text printed under the title (study.note)
 * @param configs the expanded configurations, in block, dataset, model, approx, tanh, precision, seed order
 */
public record StudyGrid(String name, String title, String metric, String note, List<StudyConfig> configs) {

    private static final List<String> TRAIN_KEYS = List.of("steps", "batch", "lr", "momentum", "weightDecay",
            "augmentPad", "evalEvery", "threads", "divergeFactor", "divergePatience", "gradient");
    private static final Map<String, String> TRAIN_DEFAULTS = Map.of("momentum", "0.9", "weightDecay", "0",
            "augmentPad", "0", "threads", "1", "divergeFactor", "10", "divergePatience", "20", "gradient", "exact");
    private static final List<String> DATA_KEYS = List.of("format", "train", "dev", "trainLimit", "devLimit", "vocab",
            "maxLength");
    private static final List<String> MODEL_KEYS = List.of("engine", "depth", "width", "batchNorm", "hidden", "embed");
    private static final List<String> BLOCK_KEYS = List.of("datasets", "models", "approx", "tanh", "precision", "seeds");
    private static final Pattern PRECISION = Pattern.compile("double|float|fixed:\\d+");

    /** Reads a grid file; relative data paths resolve against dataRoot if given, else the grid's data.root. */
    public static StudyGrid read(Path file, String dataRoot) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k).trim());
        }
        return parse(m, file.toString(), dataRoot);
    }

    /** Parses grid settings; {@code where} names the source in error messages. */
    public static StudyGrid parse(Map<String, String> m, String where, String dataRoot) {
        Keys k = new Keys(m, where);
        String root = dataRoot != null ? dataRoot : m.getOrDefault("data.root", ".");
        k.seen("data.root");
        String metric = k.get("study.metric", "accuracy");
        if (!metric.equals("accuracy") && !metric.equals("perplexity")) {
            throw k.error("study.metric", "must be accuracy or perplexity, got '" + metric + "'");
        }
        String name = k.require("study.name");
        String title = k.get("study.title", name);
        String note = k.get("study.note", "");
        // grid-wide defaults of the block axes seeds and precision
        String defaultSeeds = k.get("study.seeds", "1");
        String defaultPrecision = k.get("study.precision", "double");

        Map<String, StudyConfig.DataSpec> data = new LinkedHashMap<>();
        for (String d : k.names("data.")) {
            if (d.equals("root")) {
                continue;
            }
            String pre = "data." + d + ".";
            k.only(pre, DATA_KEYS);
            String format = k.require(pre + "format");
            if (!List.of("cifar10", "cifar100", "mnist", "text").contains(format)) {
                throw k.error(pre + "format", "must be cifar10, cifar100, mnist or text, got '" + format + "'");
            }
            data.put(d, new StudyConfig.DataSpec(format, paths(k.require(pre + "train"), root),
                    paths(k.require(pre + "dev"), root), k.getInt(pre + "trainLimit", "0"), k.getInt(pre + "devLimit", "0"),
                    k.getInt(pre + "vocab", "0"), k.getInt(pre + "maxLength", "0")));
        }
        Map<String, StudyConfig.ModelSpec> models = new LinkedHashMap<>();
        for (String mo : k.names("model.")) {
            String pre = "model." + mo + ".";
            k.only(pre, MODEL_KEYS);
            models.put(mo, new StudyConfig.ModelSpec(mo, k.require(pre + "engine"), k.getInt(pre + "depth", "1"),
                    k.getDouble(pre + "width", "1.0"), Boolean.parseBoolean(k.get(pre + "batchNorm", "true")),
                    k.getInt(pre + "hidden", "0"), k.getInt(pre + "embed", "0")));
        }
        k.only("train.", TRAIN_KEYS);
        m.keySet().stream().filter(key -> key.startsWith("train.")).forEach(k::seen);

        // approx.* other than the axes are passed to ApproxConfig as they are (it rejects unknown ones per task)
        Map<String, String> approxSettings = new TreeMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith("approx.")) {
                String key = e.getKey().substring("approx.".length());
                if (List.of("exp", "tanh", "softmax.gradient").contains(key)) {
                    throw k.error(e.getKey(), "is a grid axis: set it with grid.BLOCK.approx / tanh or train.gradient");
                }
                approxSettings.put(key, e.getValue());
                k.seen(e.getKey());
            }
        }
        List<StudyConfig> configs = new ArrayList<>();
        for (String b : k.names("grid.")) {
            String pre = "grid." + b + ".";
            for (String key : m.keySet()) {
                if (key.startsWith(pre) && !key.startsWith(pre + "train.") && !BLOCK_KEYS.contains(key.substring(pre.length()))) {
                    throw k.error(key, "unknown block key; known: " + BLOCK_KEYS + " and train.*");
                }
            }
            k.only(pre + "train.", TRAIN_KEYS);
            StudyConfig.TrainSpec train = trainSpec(k, pre + "train.");
            List<String> precisions = k.list(pre + "precision", defaultPrecision);
            for (String pr : precisions) {
                if (!PRECISION.matcher(pr).matches()) {
                    throw k.error(pre + "precision", "entries must be double, float or fixed:F, got '" + pr + "'");
                }
            }
            for (String d : k.list(pre + "datasets", null)) {
                if (!data.containsKey(d)) {
                    throw k.error(pre + "datasets", "data set '" + d + "' has no data." + d + ".* settings");
                }
                for (String mo : k.list(pre + "models", null)) {
                    if (!models.containsKey(mo)) {
                        throw k.error(pre + "models", "model '" + mo + "' has no model." + mo + ".* settings");
                    }
                    for (String ap : k.list(pre + "approx", null)) {
                        for (String th : k.list(pre + "tanh", "exact")) {
                            for (String pr : precisions) {
                                for (long seed : seeds(k, pre + "seeds", defaultSeeds)) {
                                    String row = StudyConfig.rowName(ap, train.gradient());
                                    String id = name + "/" + d + "/" + mo + "/" + row + "/" + th + "/" + pr + "/s" + seed;
                                    String paperKey = "paper." + d + "." + mo + "." + cellName(row, th);
                                    String paper = m.getOrDefault(paperKey, "n/a");
                                    configs.add(new StudyConfig(id, name, b, d, data.get(d), models.get(mo), ap, th, pr,
                                            seed, train, paper.isEmpty() ? "n/a" : paper, Map.copyOf(approxSettings)));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (String key : m.keySet()) {
            if (key.startsWith("paper.")) {
                k.seen(key);
            }
        }
        k.checkAllSeen();
        if (configs.isEmpty()) {
            throw new IllegalArgumentException(where + ": no grid.BLOCK.* settings, so no configurations");
        }
        TreeSet<String> ids = new TreeSet<>();
        for (StudyConfig c : configs) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException(where + ": configuration " + c.id() + " appears twice");
            }
        }
        return new StudyGrid(name, title, metric, note, List.copyOf(configs));
    }

    /** The paper-key name of a table cell: the approximation, ':' written '-', and the tanh when not exact. */
    public static String cellName(String approx, String tanh) {
        String s = approx.replace(':', '-');
        return tanh.equals("exact") ? s : s + "_tanh-" + tanh.replace(':', '-');
    }

    private static StudyConfig.TrainSpec trainSpec(Keys k, String blockPre) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String t : TRAIN_KEYS) {
            String val = k.m.get(blockPre + t);
            String key = blockPre + t;
            if (val == null) {
                val = k.m.get("train." + t);
                key = "train." + t;
            }
            if (val == null) {
                val = TRAIN_DEFAULTS.get(t);
            }
            if (val == null) {
                throw k.error("train." + t, "is required (or " + blockPre + t + ")");
            }
            k.seen(key);
            v.put(t, val);
        }
        try {
            String gradient = v.get("gradient");
            if (!gradient.equals("exact") && !gradient.equals("secureml")) {
                throw new IllegalArgumentException("train.gradient must be exact or secureml, got '" + gradient + "'");
            }
            org.twintrain.engine.optim.StepSchedule.parse(v.get("lr"));
            StudyConfig.TrainSpec t = new StudyConfig.TrainSpec(Long.parseLong(v.get("steps")), Integer.parseInt(v.get("batch")),
                    v.get("lr"), Double.parseDouble(v.get("momentum")), Double.parseDouble(v.get("weightDecay")),
                    Integer.parseInt(v.get("augmentPad")), Integer.parseInt(v.get("evalEvery")),
                    Integer.parseInt(v.get("threads")), Double.parseDouble(v.get("divergeFactor")),
                    Integer.parseInt(v.get("divergePatience")), gradient);
            if (t.steps() <= 0 || t.batch() <= 0 || t.evalEvery() <= 0 || t.threads() <= 0) {
                throw new IllegalArgumentException("steps, batch, evalEvery and threads must be positive");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(k.where + ": training settings of " + blockPre + "* / train.*: " + e.getMessage(), e);
        }
    }

    private static List<String> paths(String list, String root) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            boolean absolute = t.startsWith("/") || t.contains("://");
            out.add(absolute ? t : Path.of(root).resolve(t).toString());
        }
        return List.copyOf(out);
    }

    /**
     * A block's seeds: a comma list of integers ("1, 2, 3"), or "count:N" for the seeds 1..N; absent, the grid's
     * study.seeds (default 1).
     */
    private static List<Long> seeds(Keys k, String key, String fallback) {
        String where = k.m.containsKey(key) ? key : "study.seeds";
        List<String> entries = k.list(key, fallback);
        List<Long> out = new ArrayList<>();
        if (entries.size() == 1 && entries.get(0).startsWith("count:")) {
            String n = entries.get(0).substring("count:".length()).trim();
            int count;
            try {
                count = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw k.error(where, "count:N needs an integer N, got '" + n + "'");
            }
            if (count < 1 || count > 1000) {
                throw k.error(where, "count:N needs N in 1..1000, got " + count);
            }
            for (long s = 1; s <= count; s++) {
                out.add(s);
            }
            return out;
        }
        for (String s : entries) {
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw k.error(where, "entries must be integers (or one count:N), got '" + s + "'");
            }
        }
        if (new TreeSet<>(out).size() != out.size()) {
            throw k.error(where, "lists a seed twice: " + entries);
        }
        return out;
    }

    /** Key access that records which keys were used, so that leftovers (typos) are reported. */
    private static final class Keys {
        final Map<String, String> m;
        final String where;
        final TreeSet<String> used = new TreeSet<>();

        Keys(Map<String, String> m, String where) {
            this.m = m;
            this.where = where;
        }

        IllegalArgumentException error(String key, String msg) {
            return new IllegalArgumentException(where + ": " + key + " " + msg);
        }

        void seen(String key) {
            used.add(key);
        }

        String get(String key, String fallback) {
            used.add(key);
            return m.getOrDefault(key, fallback);
        }

        String require(String key) {
            String v = get(key, null);
            if (v == null || v.isEmpty()) {
                throw error(key, "is required");
            }
            return v;
        }

        int getInt(String key, String fallback) {
            try {
                return Integer.parseInt(get(key, fallback));
            } catch (NumberFormatException e) {
                throw error(key, "must be an integer, got '" + m.get(key) + "'");
            }
        }

        double getDouble(String key, String fallback) {
            try {
                return Double.parseDouble(get(key, fallback));
            } catch (NumberFormatException e) {
                throw error(key, "must be a number, got '" + m.get(key) + "'");
            }
        }

        /** A comma-separated list; fallback null means required. */
        List<String> list(String key, String fallback) {
            String v = fallback == null ? require(key) : get(key, fallback);
            if (v.isEmpty()) {
                throw error(key, "lists nothing");
            }
            List<String> out = new ArrayList<>();
            for (String s : v.split(",")) {
                if (!s.trim().isEmpty()) {
                    out.add(s.trim());
                }
            }
            if (out.isEmpty()) {
                throw error(key, "lists nothing");
            }
            return out;
        }

        /** The NAMEs of keys "prefix NAME . rest", in sorted order. */
        List<String> names(String prefix) {
            TreeSet<String> out = new TreeSet<>();
            for (String key : m.keySet()) {
                if (key.startsWith(prefix)) {
                    String rest = key.substring(prefix.length());
                    int dot = rest.indexOf('.');
                    out.add(dot < 0 ? rest : rest.substring(0, dot));
                }
            }
            return new ArrayList<>(out);
        }

        /** Keys under prefix must be prefix + one of the allowed names (or a deeper block key handled elsewhere). */
        void only(String prefix, List<String> allowed) {
            for (String key : m.keySet()) {
                if (key.startsWith(prefix) && !allowed.contains(key.substring(prefix.length()))) {
                    throw error(key, "is not a known key; known under " + prefix + ": " + allowed);
                }
            }
        }

        void checkAllSeen() {
            List<String> left = new ArrayList<>();
            for (String key : m.keySet()) {
                if (!used.contains(key) && !key.startsWith("data.") && !key.startsWith("model.")
                        && !key.startsWith("grid.")) {
                    left.add(key);
                }
            }
            if (!left.isEmpty()) {
                throw new IllegalArgumentException(where + ": unknown keys " + left + " (sections: study.*, data.*, model.*, "
                        + "train.*, grid.BLOCK.*, paper.*)");
            }
        }
    }
}
