package org.twintrain.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed arguments of one command: {@code --conf FILE} and {@code --set key=value} build the {@link
 * TwinTrainConf}; other {@code --name value} options and {@code --flag}s are the command's own, checked
 * against the names it accepts.
 */
public final class CommandLine {
    private final TwinTrainConf conf;
    private final Map<String, String> options;

    private CommandLine(TwinTrainConf conf, Map<String, String> options) {
        this.conf = conf;
        this.options = options;
    }

    /**
     * @param valueOptions options that take a value (without the leading dashes)
     * @param flags        options without a value
     */
    public static CommandLine parse(String command, String[] args, Set<String> valueOptions, Set<String> flags) {
        return parse(command, args, valueOptions, flags, TwinTrainConf.defaults());
    }

    /** As {@link #parse(String, String[], Set, Set)}, with {@code base} (a command's own defaults) under the files. */
    public static CommandLine parse(String command, String[] args, Set<String> valueOptions, Set<String> flags,
            TwinTrainConf base) {
        TwinTrainConf conf = base;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(command + ": unexpected argument '" + a + "' (see " + command + " --help)");
            }
            String name = a.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq > 0 && !name.startsWith("set")) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                options.put(name, "true");
                continue;
            }
            if (!name.equals("conf") && !name.equals("set") && !valueOptions.contains(name)) {
                throw new IllegalArgumentException(command + ": unknown option --" + name + " (see " + command + " --help)");
            }
            String value = inlineValue;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(command + ": option --" + name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "conf" -> conf = conf.withFile(Path.of(value));
                case "set" -> sets.add(value);
                default -> options.put(name, value);
            }
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(command + ": --set takes key=value, got '" + s + "'");
            }
            conf = conf.with(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        return new CommandLine(conf, options);
    }

    public TwinTrainConf conf() {
        return conf;
    }

    public boolean has(String option) {
        return options.containsKey(option);
    }

    public String get(String option, String fallback) {
        return options.getOrDefault(option, fallback);
    }

    public String require(String option) {
        String v = options.get(option);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + option);
        }
        return v;
    }
}
