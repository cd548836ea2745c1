package org.twintrain.sharing.triples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The persistent record of the triple keys one party has consumed from a stored plan, over every run that used
 * it (a first run and its resumptions), so that a resumed run can prove it never takes a key twice.
 *
 * <p>Format (text, UTF-8, append-only, one item a line):
 * <pre>
 * twintrain-triple-ledger 1
 * plan PLAN_ID
 * party P
 * run RUN_ID          (each run that opens the ledger appends one)
 * take KEY_ID         (one per key taken, in order, written and flushed before the half is handed out)
 * attempt RUN_ID      (a resumable run: each attempt of it that opens the ledger appends one)
 * done RUN_ID         (a resumable run finished and committed all its keys)
 * </pre>
 *
 * <p>Resumable runs ({@link #openResumable}, used by training with checkpoints) do not write a key when it is
 * taken: {@link #record} keeps it pending and {@link #commit} appends the pending keys when a checkpoint that
 * both servers hold is committed. A failed attempt's keys after that checkpoint are never written, and the
 * next attempt of the same run, resuming from the checkpoint, takes them again: a deterministic replay from
 * the same shares and the same triples opens exactly the values the failed attempt opened, so nothing new is
 * revealed, and the ledger still lists every key once. Because the pending keys of a stopped attempt are
 * unknown, another run may not open the ledger until the stopped run has finished ({@code done}).
 * A crash can leave a last line without its newline: that take never returned its half, so it is ignored; the
 * next run closes it with a newline and marks it with an empty line (which no complete write makes). Opening a ledger that names a key twice fails: it is the proof of reuse.
 * Not thread-safe on its own; {@link StoredTripleSource} serializes its calls.
 */
public final class TripleLedger implements AutoCloseable {
    static final String HEADER = "twintrain-triple-ledger 1";

    private final Path file;
    private final String planId;
    private final int party;
    private final String runId;
    private final FileChannel out;
    private final Set<TripleKey> consumed;
    private final List<String> runs;
    // Resumable runs only: keys taken since the last commit, written by commit().
    private final boolean deferred;
    private final Set<TripleKey> pending = new LinkedHashSet<>();

    private TripleLedger(Path file, String planId, int party, String runId, FileChannel out, Set<TripleKey> consumed,
            List<String> runs, boolean deferred) {
        this.file = file;
        this.planId = planId;
        this.party = party;
        this.runId = runId;
        this.out = out;
        this.consumed = consumed;
        this.runs = runs;
        this.deferred = deferred;
    }

    /** What a ledger file says. */
    public record Contents(String planId, int party, List<String> runs, Set<TripleKey> consumed) {
    }

    /**
     * Opens (creating if absent) the ledger of planId and party for the run runId (no whitespace), checking
     * that an existing file belongs to the same plan and party and names no key twice.
     */
    public static TripleLedger open(Path file, String planId, int party, String runId) throws IOException {
        return open(file, planId, party, runId, false);
    }

    /**
     * Opens the ledger for an attempt of a resumable run: the run id may already be there (an earlier attempt
     * of the same run), takes stay pending until {@link #commit}, and {@link #finish} marks the run done.
     */
    public static TripleLedger openResumable(Path file, String planId, int party, String runId) throws IOException {
        return open(file, planId, party, runId, true);
    }

    private static TripleLedger open(Path file, String planId, int party, String runId, boolean resumable)
            throws IOException {
        if (runId == null || runId.isEmpty() || !runId.matches("\\S+")) {
            throw new IllegalArgumentException("a ledger run id must be non-empty and without whitespace");
        }
        Set<TripleKey> consumed = new LinkedHashSet<>();
        List<String> runs = new ArrayList<>();
        boolean exists = Files.exists(file);
        boolean endsWithNewline = true;
        if (exists) {
            Parsed p = parse(file);
            Contents c = p.contents();
            if (!c.planId().equals(planId) || c.party() != party) {
                throw new IllegalArgumentException("ledger " + file + " belongs to plan " + c.planId() + ", party "
                        + c.party() + ", not to plan " + planId + ", party " + party);
            }
            if (c.runs().contains(runId) && !(resumable && p.resumable().contains(runId))) {
                throw new IllegalArgumentException("ledger " + file + " already has a run " + runId
                        + (resumable ? " that was not resumable" : "") + "; a new run needs a new run id");
            }
            for (String r : p.resumable()) {
                if (!r.equals(runId) && !p.done().contains(r)) {
                    throw new IllegalArgumentException("ledger " + file + ": run " + r + " stopped before it finished"
                            + " and committed its triples only up to its last checkpoint; resume run " + r
                            + " (same run id) before starting run " + runId);
                }
            }
            consumed.addAll(c.consumed());
            runs.addAll(c.runs());
            byte[] all = Files.readAllBytes(file);
            endsWithNewline = all.length == 0 || all[all.length - 1] == '\n';
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        TripleLedger ledger = new TripleLedger(file, planId, party, runId, ch, consumed, runs, resumable);
        StringBuilder start = new StringBuilder();
        if (!endsWithNewline) {
            start.append("\n\n"); // closes a torn line of a crashed run and marks it with an empty line
        }
        if (!exists) {
            start.append(HEADER).append('\n').append("plan ").append(planId).append('\n').append("party ")
                    .append(party).append('\n');
        }
        start.append(resumable ? "attempt " : "run ").append(runId).append('\n');
        ledger.append(start.toString());
        ch.force(false);
        if (!runs.contains(runId)) {
            runs.add(runId);
        }
        return ledger;
    }

    /** Reads and checks a ledger file: same header, and no key taken twice across all its runs. */
    public static Contents read(Path file) throws IOException {
        return parse(file).contents();
    }

    /** A ledger's contents and, of its resumable runs, which ones finished. */
    private record Parsed(Contents contents, Set<String> resumable, Set<String> done) {
    }

    private static Parsed parse(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // The element after the last '\n' is "" for a complete file, or a torn line to ignore.
        int complete = lines.length - 1;
        if (complete < 3 || !lines[0].equals(HEADER) || !lines[1].startsWith("plan ") || !lines[2].startsWith("party ")) {
            throw new IllegalArgumentException(file + " is not a TwinTrain triple ledger (it must start with '" + HEADER
                    + "', 'plan ID', 'party P')");
        }
        String planId = lines[1].substring(5);
        int party = Integer.parseInt(lines[2].substring(6));
        List<String> runs = new ArrayList<>();
        Set<TripleKey> consumed = new LinkedHashSet<>();
        Map<TripleKey, String> takenBy = new HashMap<>();
        Set<String> resumable = new LinkedHashSet<>();
        Set<String> done = new LinkedHashSet<>();
        String run = null;
        for (int i = 3; i < complete; i++) {
            String line = lines[i];
            if (line.isEmpty() || isTorn(lines, i)) {
                continue; // a torn line, closed by a later run, and its empty marker line
            }
            if (line.startsWith("run ")) {
                run = line.substring(4);
                runs.add(run);
            } else if (line.startsWith("attempt ")) {
                run = line.substring(8);
                if (resumable.add(run)) {
                    runs.add(run);
                }
            } else if (line.startsWith("done ")) {
                done.add(line.substring(5));
            } else if (line.startsWith("take ")) {
                if (run == null) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": a take before any run line");
                }
                TripleKey key = TriplePlan.parseKey(line.substring(5), i + 1);
                String before = takenBy.putIfAbsent(key, run);
                if (before != null) {
                    throw new TripleReuseException(key, "ledger " + file + " records it in run " + before
                            + " and again in run " + run + " (line " + (i + 1) + ")");
                }
                consumed.add(key);
            } else {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is none of 'run ID', 'attempt ID',"
                        + " 'done ID', 'take KEY'");
            }
        }
        return new Parsed(new Contents(planId, party, List.copyOf(runs), consumed), resumable, done);
    }

    // A line a crash cut short: the next run closed it and added an empty line, which no complete write makes.
    private static boolean isTorn(String[] lines, int i) {
        return i + 1 < lines.length - 1 && lines[i + 1].isEmpty();
    }

    /** Whether any run of this ledger (this one included) consumed key. */
    public boolean isConsumed(TripleKey key) {
        return consumed.contains(key);
    }

    /** Keys consumed by all runs so far, in order. */
    public Set<TripleKey> consumed() {
        return java.util.Collections.unmodifiableSet(consumed);
    }

    /** The runs that opened this ledger, oldest first, this one last. */
    public List<String> runs() {
        return List.copyOf(runs);
    }

    public String planId() {
        return planId;
    }

    public int party() {
        return party;
    }

    public String runId() {
        return runId;
    }

    /**
     * Appends key (a resumable run: keeps it pending until {@link #commit}); refuses a key any run consumed
     * before.
     */
    public void record(TripleKey key) {
        if (consumed.contains(key)) {
            throw new TripleReuseException(key, "ledger " + file + " shows it consumed before");
        }
        if (deferred) {
            if (!pending.add(key)) {
                throw new TripleReuseException(key, "taken twice by this attempt of run " + runId);
            }
            return;
        }
        try {
            append("take " + key.id() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the triple ledger " + file, e);
        }
        consumed.add(key);
    }

    /**
     * Resumable runs: appends the pending keys and forces them to disk. Call it only when both servers hold a
     * checkpoint after every pending key's step, so no resumed attempt takes them again.
     */
    public void commit() {
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (TripleKey k : pending) {
            text.append("take ").append(k.id()).append('\n');
        }
        try {
            append(text.toString());
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the triple ledger " + file, e);
        }
        consumed.addAll(pending);
        pending.clear();
    }

    /** Resumable runs: commits the pending keys and marks the run done, so that other runs may follow. */
    public void finish() {
        commit();
        try {
            append("done " + runId + "\n");
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the triple ledger " + file, e);
        }
    }

    /** Keys taken by this attempt and not committed yet (resumable runs; always empty otherwise). */
    public Set<TripleKey> pending() {
        return java.util.Collections.unmodifiableSet(pending);
    }

    private void append(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        if (!out.isOpen()) {
            return;
        }
        try {
            out.force(false);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the triple ledger " + file, e);
        }
    }
}
