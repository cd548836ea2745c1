package org.twintrain.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.twintrain.jobs.reveal.EvaluateCommand;
import org.twintrain.jobs.reveal.RevealCommand;

/**
 * The single entry point of {@code submit/twintrain COMMAND [options]}: dispatches to a {@link Command}.
 * Errors in the user's input end with a one-line message and exit code 2, not a stack trace. A refusal (a refused
 * or failed pairing with the other server, a spent plan, a stopped run, bad input found inside a task) ends with
 * one line, the last the command prints, and exit code 1: the innermost TwinTrain error of the chain, not Spark's
 * "job aborted" wrapper; the full chain with the tasks' stack traces goes to the log ({@link #LOG}).
 */
public final class TwinTrain {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TwinTrain.class);

    private TwinTrain() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : List.<Command>of(new DemoCommand(), new KeysCommand(), new GenerateCommand(), new PrepCommand(), new ShareCommand(),
                new org.twintrain.jobs.triples.TripleCommand(), new org.twintrain.jobs.train.TrainCommand(),
                new RevealCommand(), new EvaluateCommand(), new org.twintrain.jobs.study.StudyCommand(),
                new org.twintrain.jobs.train.BenchSecureCommand())) {
            m.put(c.name(), c);
        }
        return m;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(overview(commands));
            return args.length == 0 ? 2 : 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            System.err.println("twintrain: unknown command '" + args[0] + "'\n\n" + overview(commands));
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
            System.out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (IllegalArgumentException e) {
            System.err.println("twintrain " + c.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception | OutOfMemoryError e) { // an OutOfMemoryError of the main thread is no refusal
            Throwable ours = refusal(e);
            if (ours != null) {
                LOG.warn("twintrain {} refused", c.name(), e);
                System.err.flush();
                System.err.println("twintrain " + c.name() + ": refused: " + oneLine(ours.getMessage()) + " (details: "
                        + logFile() + ")");
                return 1;
            }
            LOG.error("twintrain {} failed", c.name(), e);
            System.err.flush();
            System.err.println(failureLine(c.name(), e));
            return 1;
        }
    }

    /**
     * The last line of a failed command: its innermost error, and for a JVM out of heap what to do about it (a
     * Spark task's OutOfMemoryError reaches here wrapped, and its bare message names no remedy).
     */
    static String failureLine(String command, Throwable e) {
        Throwable cause = innermost(e);
        String line = "twintrain " + command + " failed: " + oneLine(String.valueOf(cause));
        if (cause instanceof OutOfMemoryError) {
            line += String.format(" (the heap's limit is %.1f GiB: give it more, e.g. TWINTRAIN_DRIVER_MEMORY=8g for"
                    + " submit/twintrain or --driver-memory for spark-submit; a run with checkpoints resumes from its"
                    + " last)", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
        }
        return line + " (stack traces: " + logFile() + ")";
    }

    /**
     * The refusal behind e, if it is one: the innermost of our own errors that says why a run cannot go on (a
     * refused pairing, bad input found in a task, a spent plan or reused triple, a telemetry stop), else null.
     */
    static Throwable refusal(Throwable e) {
        Throwable found = null;
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            boolean ours = t.getClass().getName().startsWith("org.twintrain.");
            if (t instanceof org.twintrain.sharing.channel.ChannelException
                    || t instanceof org.twintrain.store.PlanSpentException
                    || t instanceof org.twintrain.sharing.triples.TripleReuseException
                    || t instanceof org.twintrain.sharing.triples.MissingTripleException
                    || t instanceof org.twintrain.engine.telemetry.TelemetryStopException
                    || (t instanceof IllegalArgumentException && (ours || found == null))) {
                found = t;
            }
        }
        return found;
    }

    /** Where conf/log4j2.properties writes the log file (the same default). */
    static String logFile() {
        return System.getProperty("twintrain.log.file", System.getProperty("java.io.tmpdir") + "/twintrain-"
                + System.getProperty("user.name") + ".log");
    }

    private static Throwable innermost(Throwable e) {
        Throwable t = e;
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        while (t.getCause() != null && seen.add(t)) {
            t = t.getCause();
        }
        return t;
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ");
    }

    static String overview(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("usage: submit/twintrain COMMAND [options]   (COMMAND --help for its options)\n\ncommands:\n");
        commands.values().forEach(c -> sb.append(String.format("  %-10s %s%n", c.name(), c.summary())));
        sb.append("\ncommon options: --conf FILE (settings, see conf/twintrain-defaults.properties), --set key=value");
        return sb.toString();
    }
}
