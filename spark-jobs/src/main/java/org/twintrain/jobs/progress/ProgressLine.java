package org.twintrain.jobs.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One progress line: {@code "prep: 42% (21/50 tasks), elapsed 12 s, ETA 17 s"}. On a terminal it is redrawn in
 * place (carriage return, at most every {@link #REDRAW_NANOS}) and ended with a newline by {@link #finish()}; in
 * logs and CI (no console) it is printed as a plain line each time the work crosses another tenth, and at the
 * end. The ETA is the elapsed time scaled by the work left, so it is only as good as the work is even.
 * Thread-safe: Spark's listener thread and a command's threads may both report.
 */
public final class ProgressLine {
    static final long REDRAW_NANOS = 250_000_000L;

    private final String label;
    private final String unit;
    private final PrintStream out;
    private final boolean inPlace;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth = -1;
    private int lastWidth;
    private boolean drawn;

    ProgressLine(String label, String unit, PrintStream out, boolean inPlace, LongSupplier clock) {
        this.label = label;
        this.unit = unit;
        this.out = out;
        this.inPlace = inPlace;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** A line on standard output, in place when the JVM has a console. */
    public static ProgressLine start(String label, String unit) {
        return new ProgressLine(label, unit, System.out, onTerminal(), System::nanoTime);
    }

    /** True when this JVM talks to a terminal ({@code System.console() != null}). */
    public static boolean onTerminal() {
        return System.console() != null;
    }

    /** Whether the line is redrawn in place (a terminal) rather than printed as plain lines. */
    public boolean inPlace() {
        return inPlace;
    }

    /** Reports {@code done} of {@code total} units; {@code detail} (may be empty) follows the ETA. */
    public synchronized void update(long done, long total, String detail) {
        if (total <= 0) {
            return;
        }
        long now = clock.getAsLong();
        double elapsed = (now - start) / 1e9;
        String line = format(label, unit, done, total, elapsed, detail);
        if (inPlace) {
            if (done < total && drawn && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            out.flush();
            lastWidth = line.length();
            lastDraw = now;
            drawn = true;
        } else {
            int tenth = (int) Math.min(10, done * 10 / total);
            if (tenth > lastTenth) {
                out.println(line);
                lastTenth = tenth;
                drawn = true;
            }
        }
    }

    /** Ends an in-place line with a newline (nothing to do for plain lines). */
    public synchronized void finish() {
        if (inPlace && drawn) {
            out.println();
            drawn = false;
        }
    }

    /** {@code "label: 42% (21/50 unit), elapsed 12 s, ETA 17 s, detail"}; no ETA before the first unit is done. */
    static String format(String label, String unit, long done, long total, double elapsed, String detail) {
        long percent = Math.min(100, done * 100 / total);
        String eta = done <= 0 ? "ETA ?" : "ETA " + duration(elapsed / done * (total - done));
        return String.format(Locale.ROOT, "%s: %3d%% (%d/%d %s), elapsed %s, %s%s", label, percent, done, total, unit,
                duration(elapsed), eta, detail == null || detail.isEmpty() ? "" : ", " + detail);
    }

    /** {@code "7 s"}, {@code "2 min 05 s"}, {@code "1 h 02 min"}. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
