package org.twintrain.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.twintrain.jobs.reveal.EvaluateCommand;
import org.twintrain.jobs.reveal.RevealCommand;

/**
 * The single entry point of {@code submit/twintrain COMMAND [options]}: dispatches to a {@link Command}.
 * Errors in the user's input end with a one-line message and exit code 2, not a stack trace; a failed or refused
 * channel to the other server ends with a one-line message and exit code 1.
 */
public final class TwinTrain {
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
        } catch (org.twintrain.sharing.channel.ChannelException e) {
            // A refused or failed pairing with the other server: its message says who and why.
            System.err.println("twintrain " + c.name() + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("twintrain " + c.name() + " failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    static String overview(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("usage: submit/twintrain COMMAND [options]   (COMMAND --help for its options)\n\ncommands:\n");
        commands.values().forEach(c -> sb.append(String.format("  %-10s %s%n", c.name(), c.summary())));
        sb.append("\ncommon options: --conf FILE (settings, see conf/twintrain-defaults.properties), --set key=value");
        return sb.toString();
    }
}
