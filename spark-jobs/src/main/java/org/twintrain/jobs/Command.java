package org.twintrain.jobs;

/** One command of {@code submit/twintrain}: a name, a one-line summary, its own help and its run method. */
public interface Command {
    String name();

    String summary();

    /** The usage text printed by {@code COMMAND --help}. */
    String usage();

    /** Parses its arguments (see {@link CommandLine}) and runs; returns the process exit code. */
    int run(String[] args) throws Exception;
}
