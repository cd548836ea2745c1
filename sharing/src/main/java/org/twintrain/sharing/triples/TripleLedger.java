package org.twintrain.sharing.triples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The persistent record of the triple keys one party (one task) has consumed from a stored plan, so that a
 * resumed run can prove it never takes a key twice. A plan serves one run (the run's claim on the plan, in the
 * store module, refuses any other run id); the ledger covers that run's attempts.
 *
 * <p>Layout: a {@link LedgerFolder} of segments {@code seg-NNNNNNNN.txt} (numbered from 0, each created
 * exclusively and written whole, never changed). A segment is UTF-8 text, one item a line:
 * <pre>
 * twintrain-triple-ledger 2
 * plan PLAN_ID
 * party P
 * attempt RUN_ID      (an attempt of the run opened the ledger)
 * take KEY_ID         (a key committed: both servers hold a checkpoint after its step)
 * done RUN_ID         (the run finished and committed all its keys)
 * end
 * </pre>
 * A segment without its {@code end} line is torn (a crash while writing it): its keys were never committed and
 * it is ignored. Because writers create the next number exclusively, two attempts writing at once (a lost task
 * still running beside its retry) cannot both succeed: the second is refused. Append-only semantics without
 * append, so it works on HDFS and object stores alike.
 *
 * <p>Keys are not written when taken: {@link #record} keeps them pending and {@link #commit} writes them when a
 * checkpoint that both servers hold is committed. A failed attempt's keys after that checkpoint are never written,
 * and the next attempt of the same run, resuming from the checkpoint, takes them again: a deterministic replay
 * from the same shares and the same triples opens exactly the values the failed attempt opened, so nothing new is
 * revealed, and the ledger still lists every key once. Because the pending keys of a stopped attempt are unknown,
 * another run may not open the ledger until the stopped run has finished ({@code done}). Opening a ledger that
 * names a key twice fails: it is the proof of reuse. Not thread-safe on its own; {@link StoredTripleSource}
 * serializes its calls.
 */
public final class TripleLedger implements AutoCloseable {
    static final String HEADER = "twintrain-triple-ledger 2";
    static final String END = "end";

    private final LedgerFolder folder;
    private final String planId;
    private final int party;
    private final String runId;
    private final Set<TripleKey> consumed;
    private final List<String> runs;
    private final Set<TripleKey> pending = new LinkedHashSet<>();
    private int nextSegment;

    private TripleLedger(LedgerFolder folder, String planId, int party, String runId, Set<TripleKey> consumed,
            List<String> runs, int nextSegment) {
        this.folder = folder;
        this.planId = planId;
        this.party = party;
        this.runId = runId;
        this.consumed = consumed;
        this.runs = runs;
        this.nextSegment = nextSegment;
    }

    /** What a ledger says. */
    public record Contents(String planId, int party, List<String> runs, Set<TripleKey> consumed) {
    }

    /**
     * Opens the ledger in folder (creating it if empty) for an attempt of run runId (no whitespace) on planId and
     * party: checks that existing segments belong to the same plan and party, name no key twice, and that no
     * other run stopped before it finished; the run id may already be there (an earlier attempt of the run).
     */
    public static TripleLedger openResumable(LedgerFolder folder, String planId, int party, String runId)
            throws IOException {
        if (runId == null || runId.isEmpty() || !runId.matches("\\S+")) {
            throw new IllegalArgumentException("a ledger run id must be non-empty and without whitespace");
        }
        Parsed p = parse(folder);
        Contents c = p.contents();
        if (c != null && (!c.planId().equals(planId) || c.party() != party)) {
            throw new IllegalArgumentException("ledger " + folder + " belongs to plan " + c.planId() + ", party "
                    + c.party() + ", not to plan " + planId + ", party " + party);
        }
        Set<TripleKey> consumed = new LinkedHashSet<>();
        List<String> runs = new ArrayList<>();
        if (c != null) {
            for (String r : c.runs()) {
                if (!r.equals(runId) && !p.done().contains(r)) {
                    throw new IllegalArgumentException("ledger " + folder + ": run " + r + " stopped before it finished"
                            + " and committed its triples only up to its last checkpoint; resume run " + r
                            + " (same run id) before starting run " + runId);
                }
            }
            consumed.addAll(c.consumed());
            runs.addAll(c.runs());
        }
        TripleLedger ledger = new TripleLedger(folder, planId, party, runId, consumed, runs, p.nextSegment());
        ledger.writeSegment("attempt " + runId + "\n");
        if (!runs.contains(runId)) {
            runs.add(runId);
        }
        return ledger;
    }

    /** Reads and checks a ledger: same header in every segment, and no key taken twice across all its runs. */
    public static Contents read(LedgerFolder folder) throws IOException {
        Contents c = parse(folder).contents();
        if (c == null) {
            throw new IllegalArgumentException("ledger " + folder + " holds no complete segment");
        }
        return c;
    }

    /** {@link #read} of a local ledger folder. */
    public static Contents read(java.nio.file.Path dir) throws IOException {
        return read(LedgerFolder.local(dir));
    }

    /** A ledger's contents (null when it has no complete segment), which runs finished, and the next number. */
    private record Parsed(Contents contents, Set<String> done, int nextSegment) {
    }

    private static Parsed parse(LedgerFolder folder) throws IOException {
        TreeMap<Integer, String> segments = new TreeMap<>();
        for (String name : folder.list()) {
            if (name.startsWith("seg-") && name.endsWith(".txt")) {
                try {
                    segments.put(Integer.parseInt(name.substring(4, name.length() - 4)), name);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ledger " + folder + " holds " + name + ", which is not a segment"
                            + " name (seg-NNNNNNNN.txt)");
                }
            }
        }
        String planId = null;
        int party = -1;
        List<String> runs = new ArrayList<>();
        Set<TripleKey> consumed = new LinkedHashSet<>();
        Map<TripleKey, String> takenBy = new HashMap<>();
        Set<String> done = new LinkedHashSet<>();
        String run = null; // the attempt that wrote the following segments
        for (String name : segments.values()) {
            String where = folder + "/" + name;
            String[] lines = new String(folder.read(name), StandardCharsets.UTF_8).split("\n", -1);
            // A complete segment ends with "end\n": its last element is "" and the one before it END.
            if (lines.length < 5 || !lines[lines.length - 1].isEmpty() || !lines[lines.length - 2].equals(END)) {
                continue; // torn: a crash while writing it, its keys were never committed
            }
            if (!lines[0].equals(HEADER) || !lines[1].startsWith("plan ") || !lines[2].startsWith("party ")) {
                throw new IllegalArgumentException(where + " is not a TwinTrain triple ledger segment (it must start"
                        + " with '" + HEADER + "', 'plan ID', 'party P')");
            }
            String segPlan = lines[1].substring(5);
            int segParty = Integer.parseInt(lines[2].substring(6));
            if (planId == null) {
                planId = segPlan;
                party = segParty;
            } else if (!planId.equals(segPlan) || party != segParty) {
                throw new IllegalArgumentException(where + " belongs to plan " + segPlan + ", party " + segParty
                        + ", but the ledger's first segment to plan " + planId + ", party " + party);
            }
            for (int i = 3; i < lines.length - 2; i++) {
                String line = lines[i];
                if (line.startsWith("attempt ")) {
                    run = line.substring(8);
                    if (!runs.contains(run)) {
                        runs.add(run);
                    }
                } else if (line.startsWith("done ")) {
                    done.add(line.substring(5));
                } else if (line.startsWith("take ")) {
                    String by = run;
                    if (by == null) {
                        throw new IllegalArgumentException(where + " line " + (i + 1) + ": a take before any attempt");
                    }
                    TripleKey key = TriplePlan.parseKey(line.substring(5), i + 1);
                    String before = takenBy.putIfAbsent(key, by);
                    if (before != null) {
                        throw new TripleReuseException(key, "ledger " + folder + " records it in run " + before
                                + " and again in run " + by + " (" + name + " line " + (i + 1) + ")");
                    }
                    consumed.add(key);
                } else {
                    throw new IllegalArgumentException(where + " line " + (i + 1) + " is none of 'attempt ID', 'done ID',"
                            + " 'take KEY'");
                }
            }
        }
        int next = segments.isEmpty() ? 0 : segments.lastKey() + 1;
        Contents c = planId == null ? null : new Contents(planId, party, List.copyOf(runs), consumed);
        return new Parsed(c, done, next);
    }

    /** Whether any run of this ledger (this one included) committed key. */
    public boolean isConsumed(TripleKey key) {
        return consumed.contains(key);
    }

    /** Keys committed by all runs so far, in order. */
    public Set<TripleKey> consumed() {
        return Collections.unmodifiableSet(consumed);
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

    /** Keeps key pending until {@link #commit}; refuses a key committed before or taken twice by this attempt. */
    public void record(TripleKey key) {
        if (consumed.contains(key)) {
            throw new TripleReuseException(key, "ledger " + folder + " shows it consumed before");
        }
        if (!pending.add(key)) {
            throw new TripleReuseException(key, "taken twice by this attempt of run " + runId);
        }
    }

    /**
     * Writes the pending keys as one segment. Call it only when both servers hold a checkpoint after every
     * pending key's step, so no resumed attempt takes them again.
     */
    public void commit() {
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (TripleKey k : pending) {
            text.append("take ").append(k.id()).append('\n');
        }
        writeSegment(text.toString());
        consumed.addAll(pending);
        pending.clear();
    }

    /** Commits the pending keys and marks the run done, so that the ledger is complete. */
    public void finish() {
        StringBuilder text = new StringBuilder();
        for (TripleKey k : pending) {
            text.append("take ").append(k.id()).append('\n');
        }
        writeSegment(text.append("done ").append(runId).append('\n').toString());
        consumed.addAll(pending);
        pending.clear();
    }

    /** Keys taken by this attempt and not committed yet. */
    public Set<TripleKey> pending() {
        return Collections.unmodifiableSet(pending);
    }

    private void writeSegment(String items) {
        String name = String.format("seg-%08d.txt", nextSegment);
        String text = HEADER + "\nplan " + planId + "\nparty " + party + "\n" + items + END + "\n";
        try {
            folder.createNew(name, text.getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("ledger " + folder + ": segment " + name + " was written by another attempt"
                    + " of run " + runId + " at the same time; only one attempt of a run may run at once", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + name + " of the triple ledger " + folder, e);
        }
        nextSegment++;
    }

    @Override
    public void close() {
        // Segments are written whole and closed at once; nothing stays open.
    }
}
