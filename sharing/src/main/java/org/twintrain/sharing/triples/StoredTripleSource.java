package org.twintrain.sharing.triples;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * One server's stored triples of one {@link TriplePlan}, made offline by the triple job (layout in {@link
 * TripleFile}). Server 0's folder holds its 32-byte party-0 seed and the plan: its halves are expanded on
 * {@link #take} ({@link Dealer#expandParty0}), and parts that both servers hold (DCF correction words) are read
 * from its part files. Server 1's folder holds its materialized halves in part files;
 * take reads one record by position.
 *
 * <p>Checks, all at {@link #open} or {@link #reserve}, before any training step: the folder must hold this
 * party's half (not the other server's), of the run's plan, for the run's fixed-point bits and truncation
 * mode; reserve refuses a run whose keys are not all in the plan ({@link MissingTripleException}, naming how
 * many steps and keys are missing and the first one) or were consumed before according to the ledger. take
 * refuses a key outside the plan and a second take of a key ({@link TripleReuseException}). With a {@link
 * TripleLedger}, every take is recorded before its half is handed out, and keys consumed by earlier runs count
 * as taken. A plan dealt in windows ({@link #openWindows}) is read window by window: each window's folder is
 * its own dealing of its plan indices, handed over by a {@link WindowOpener} (which may wait for the dealer)
 * when the run first takes one of its keys. Thread-safe.
 */
public final class StoredTripleSource implements TripleSource {
    private final int party;
    private final TriplePlan plan;
    /** The plan's dealings: one for a folder holding the whole plan, else one per window (opened when reached). */
    private final List<TriplePlan.Window> windows;
    private final Dealing[] dealings;
    private final WindowOpener opener;
    private final TripleLedger ledger;
    private final Set<TripleKey> takenEarlier = new HashSet<>();
    private final Set<TripleKey> taken = new HashSet<>();
    private final List<TripleKey> consumed = new ArrayList<>();
    private boolean closed;

    /**
     * Where a windowed plan's windows are: hands out window w's folder once the dealer has completed it (it may
     * wait for the dealer) and after the servers agreed that both hold the same dealing of it. Called once per
     * window, in the order the run reaches them.
     */
    @FunctionalInterface
    public interface WindowOpener {
        ByteSource open(TriplePlan.Window window) throws IOException;
    }

    /** The records of one dealing: plan indices [first, end) in one folder. */
    private record Dealing(ByteSource folder, byte[] party0Seed, String[] partNames, int[] fileOf, long[] offsetOf,
            int first) {
    }

    private StoredTripleSource(int party, TriplePlan plan, List<TriplePlan.Window> windows, Dealing whole,
            WindowOpener opener, TripleLedger ledger) {
        this.party = party;
        this.plan = plan;
        this.windows = windows;
        this.dealings = new Dealing[windows.size()];
        this.dealings[0] = whole;
        this.opener = opener;
        this.ledger = ledger;
        if (ledger != null) {
            takenEarlier.addAll(ledger.consumed());
        }
    }

    /** The ledger this source records its takes in, or null. */
    public TripleLedger ledger() {
        return ledger;
    }

    /**
     * Opens party's stored triples in folder for a run with codec's fractional bits and the given truncation.
     *
     * @param expectedPlanId the plan id the run was set up with (e.g. from its configuration), or null to take
     *                       the folder's plan as it is
     * @param ledger         the ledger of this plan and party, or null to keep the ledger in memory only
     * @param folder         closed by the returned source's {@link #close}, or on refusal
     */
    public static StoredTripleSource open(ByteSource folder, int party, FixedPoint codec, TruncationMode truncation,
            String expectedPlanId, TripleLedger ledger) throws IOException {
        try {
            return openWhole(folder, party, codec, truncation, expectedPlanId, ledger);
        } catch (IOException | RuntimeException e) {
            closeQuietly(folder, e); // the source owns folder once opened; refused, it holds nothing open
            throw e;
        }
    }

    private static StoredTripleSource openWhole(ByteSource folder, int party, FixedPoint codec,
            TruncationMode truncation, String expectedPlanId, TripleLedger ledger) throws IOException {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        List<String> names = folder.list();
        if (!names.contains(TripleFile.PLAN_FILE)) {
            throw new IllegalArgumentException(folder + " holds no " + TripleFile.PLAN_FILE + ": not a triple store folder");
        }
        TriplePlan plan = TriplePlan.read(new ByteArrayInputStream(folder.readAll(TripleFile.PLAN_FILE)), null);
        if (expectedPlanId != null && !expectedPlanId.equals(plan.id())) {
            throw new IllegalArgumentException("the triples in " + folder + " were made for plan " + plan.id()
                    + ", but the run's plan is " + expectedPlanId + ": triples of another plan are refused");
        }
        checkParameters(plan.fractionalBits(), plan.truncation(), codec, truncation, folder + "/" + TripleFile.PLAN_FILE);
        checkLedger(ledger, plan, party);
        TriplePlan.Window all = plan.whole();
        return new StoredTripleSource(party, plan, List.of(all), dealing(folder, names, party, plan, all), null, ledger);
    }

    /**
     * Opens party's triples of a plan dealt window by window ({@link TriplePlan#windows}): each window's folder
     * holds the records of its plan indices only (server 0: its own seed and shared parts), and is opened by
     * opener when the run first takes one of its keys.
     */
    public static StoredTripleSource openWindows(TriplePlan plan, int stepsPerWindow, int party, FixedPoint codec,
            TruncationMode truncation, WindowOpener opener, TripleLedger ledger) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party must be 0 or 1, got " + party);
        }
        checkParameters(plan.fractionalBits(), plan.truncation(), codec, truncation, "plan " + plan.id());
        checkLedger(ledger, plan, party);
        return new StoredTripleSource(party, plan, plan.windows(stepsPerWindow), null, opener, ledger);
    }

    private static void checkLedger(TripleLedger ledger, TriplePlan plan, int party) {
        if (ledger != null && (!ledger.planId().equals(plan.id()) || ledger.party() != party)) {
            throw new IllegalArgumentException("the ledger belongs to plan " + ledger.planId() + ", party " + ledger.party()
                    + ", not to plan " + plan.id() + ", party " + party);
        }
    }

    /**
     * The dealing in folder of window's plan indices: checks that it is party's (not the other server's), of this
     * plan, and holds a record for every index of the window and none outside it.
     */
    private static Dealing dealing(ByteSource folder, List<String> names, int party, TriplePlan plan,
            TriplePlan.Window window) throws IOException {
        List<String> parts = names.stream().filter(TripleFile::isPart).toList();
        boolean hasSeed = names.contains(TripleFile.PARTY0_FILE);
        String[] partNames = parts.toArray(new String[0]);
        if (party == 0) {
            if (!hasSeed) {
                throw new IllegalArgumentException(folder + " holds no " + TripleFile.PARTY0_FILE
                        + (parts.isEmpty() ? "" : " but server 1's part files: it is party 1's store, not party 0's;"
                                + " each server reads only its own store"));
            }
            byte[] file = folder.readAll(TripleFile.PARTY0_FILE);
            String where = folder + "/" + TripleFile.PARTY0_FILE;
            TripleFile.Header h = TripleFile.Header.decode(file, where);
            checkHeader(h, 0, plan, where);
            if (file.length != TripleFile.HEADER_BYTES + TripleFile.SEED_BYTES) {
                throw new IllegalArgumentException(where + " has " + file.length + " bytes, expected "
                        + (TripleFile.HEADER_BYTES + TripleFile.SEED_BYTES));
            }
            byte[] seed = Arrays.copyOfRange(file, TripleFile.HEADER_BYTES, file.length);
            if (!plan.hasSharedParts(window)) {
                return new Dealing(folder, seed, null, null, null, window.first());
            }
            if (parts.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds no part files, but plan " + plan.id() + " has keys "
                        + "whose correction words server 0 stores too (COMPARE): the store is incomplete");
            }
            Index index = index(folder, partNames, 0, plan, window);
            return new Dealing(folder, seed, partNames, index.fileOf(), index.offsetOf(), window.first());
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(folder + " holds no part files of server 1"
                    + (hasSeed ? " but " + TripleFile.PARTY0_FILE + ": it is party 0's store, not party 1's; each "
                            + "server reads only its own store" : ""));
        }
        Index index = index(folder, partNames, 1, plan, window);
        return new Dealing(folder, null, partNames, index.fileOf(), index.offsetOf(), window.first());
    }

    /** Where each plan index's record is: file number (-1: none) and byte offset. */
    private record Index(int[] fileOf, long[] offsetOf) {
    }

    /**
     * Reads the part files' headers and checks them against the plan: party 1's files hold a record for every key,
     * party 0's for every key with shared parts ({@link TripleFile#sharedRecordBytes}).
     */
    private static Index index(ByteSource folder, String[] partNames, int party, TriplePlan plan,
            TriplePlan.Window window) throws IOException {
        int first = window.first();
        int[] fileOf = new int[window.keys()];
        long[] offsetOf = new long[window.keys()];
        Arrays.fill(fileOf, -1);
        for (int f = 0; f < partNames.length; f++) {
            String where = folder + "/" + partNames[f];
            byte[] head = new byte[TripleFile.HEADER_BYTES];
            folder.readFully(partNames[f], 0, head);
            TripleFile.Header h = TripleFile.Header.decode(head, where);
            checkHeader(h, party, plan, where);
            if (h.first() < first || h.count() < 0 || (long) h.first() + h.count() > window.end()) {
                throw new IllegalArgumentException(where + " claims plan indices " + h.first() + ".." + (h.first()
                        + h.count() - 1) + " outside " + (window.keys() == plan.size() ? "the plan's " + plan.size()
                                + " keys" : "window " + window.index() + "'s " + first + ".." + (window.end() - 1)));
            }
            long offset = TripleFile.HEADER_BYTES;
            for (int i = h.first(); i < h.first() + h.count(); i++) {
                long bytes = party == 1 ? TripleFile.recordBytes(plan.key(i)) : TripleFile.sharedRecordBytes(plan.key(i));
                if (bytes == 0) {
                    continue;
                }
                if (fileOf[i - first] >= 0) {
                    throw new IllegalArgumentException(where + " and " + partNames[fileOf[i - first]]
                            + " both hold plan index " + i);
                }
                fileOf[i - first] = f;
                offsetOf[i - first] = offset;
                offset += bytes;
            }
            long size = folder.size(partNames[f]);
            if (size != offset) {
                throw new IllegalArgumentException(where + " has " + size + " bytes; its header and plan say " + offset
                        + " (truncated or not of this plan)");
            }
        }
        for (int i = first; i < window.end(); i++) {
            boolean needed = party == 1 || TripleFile.sharedRecordBytes(plan.key(i)) > 0;
            if (needed && fileOf[i - first] < 0) {
                throw new IllegalArgumentException(folder + " holds no record for plan index " + i + " ("
                        + plan.key(i) + "): a part file is missing");
            }
        }
        return new Index(fileOf, offsetOf);
    }

    private static void checkHeader(TripleFile.Header h, int party, TriplePlan plan, String where) {
        if (h.party() != party) {
            throw new IllegalArgumentException(where + " holds party " + h.party() + "'s triples, but it was opened for"
                    + " party " + party + ": each server reads only its own store");
        }
        if (!h.planId().equals(plan.id())) {
            throw new IllegalArgumentException(where + " was made for plan " + h.planId() + ", but its folder's plan is "
                    + plan.id());
        }
        if (h.fractionalBits() != plan.fractionalBits() || h.truncation() != plan.truncation()) {
            throw new IllegalArgumentException(where + " was made for f=" + h.fractionalBits() + ", " + h.truncation()
                    + " but its plan says f=" + plan.fractionalBits() + ", " + plan.truncation());
        }
    }

    /** Refuses triples made for other fixed-point parameters than the run's. */
    static void checkParameters(int storedBits, TruncationMode storedMode, FixedPoint codec, TruncationMode mode,
            String where) {
        if (storedBits != codec.fractionalBits()) {
            throw new IllegalArgumentException("the triples in " + where + " were made for " + storedBits
                    + " fractional bits, but the run uses " + codec.fractionalBits()
                    + ": truncation pairs depend on them; make triples for this setting");
        }
        if (storedMode != mode) {
            throw new IllegalArgumentException("the triples in " + where + " were made for truncation " + storedMode
                    + ", but the run uses " + mode);
        }
    }

    public TriplePlan plan() {
        return plan;
    }

    @Override
    public int party() {
        return party;
    }

    @Override
    public synchronized void reserve(Collection<TripleKey> keys) {
        ensureOpen();
        List<TripleKey> missing = new ArrayList<>();
        for (TripleKey k : keys) {
            if (!plan.contains(k)) {
                missing.add(k);
            } else {
                checkNotTaken(k);
            }
        }
        if (!missing.isEmpty()) {
            List<TripleKey> all = List.copyOf(new LinkedHashSet<>(keys));
            List<String> steps = TriplePlan.steps(all);
            Set<String> short_ = new HashSet<>(TriplePlan.steps(missing));
            throw new MissingTripleException("the run needs " + steps.size() + " steps of triples (" + all.size()
                    + " keys), the store holds " + (steps.size() - short_.size()) + " of those steps (plan "
                    + plan.id() + ", " + plan.size() + " keys): " + missing.size() + " keys are missing, the first is "
                    + missing.get(0).id() + ". Make triples for the run's plan before training");
        }
    }

    @Override
    public Correlation take(TripleKey key) {
        int index;
        synchronized (this) {
            ensureOpen();
            index = plan.indexOf(key);
            if (index < 0) {
                throw new MissingTripleException("triple " + key.id() + " is not in the stored plan " + plan.id()
                        + ": keys of another plan are refused");
            }
            checkNotTaken(key);
            if (ledger != null) {
                ledger.record(key);
            }
            taken.add(key);
            consumed.add(key);
        }
        Dealing d = dealingOf(index);
        int at = index - d.first();
        if (party == 0) {
            Correlation half = Dealer.expandParty0(d.party0Seed(), key);
            int shared = Dealer.sharedParts(key.kind());
            if (shared > 0) {
                long[][] stored = TripleFile.decodeSharedRecord(read(d, key, at, TripleFile.sharedRecordBytes(key)), key,
                        index, d.folder() + "/" + d.partNames()[d.fileOf()[at]]);
                System.arraycopy(stored, 0, half.parts(), half.parts().length - shared, shared);
            }
            return half;
        }
        return new Correlation(key, TripleFile.decodeRecord(read(d, key, at, TripleFile.recordBytes(key)), key, index,
                d.folder() + "/" + d.partNames()[d.fileOf()[at]]));
    }

    /** The dealing holding plan index i: the whole plan's, or its window's (opened on first use). */
    private synchronized Dealing dealingOf(int index) {
        int w = windowOf(index);
        if (dealings[w] == null) {
            TriplePlan.Window window = windows.get(w);
            try {
                ByteSource folder = opener.open(window);
                try {
                    dealings[w] = dealing(folder, folder.list(), party, plan, window);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(folder, e);
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not open window " + w + " of plan " + plan.id() + "'s triples", e);
            }
            for (int earlier = 0; earlier < w; earlier++) {
                // The run has moved on: release the window's files (its folder may be deleted once covered).
                release(earlier);
            }
        }
        return dealings[w];
    }

    private int windowOf(int index) {
        int lo = 0, hi = windows.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (windows.get(mid).first() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The windows of a windowed plan (one window spanning the plan otherwise). */
    public List<TriplePlan.Window> windows() {
        return windows;
    }

    private byte[] read(Dealing d, TripleKey key, int at, long bytes) {
        String name = d.partNames()[d.fileOf()[at]];
        byte[] record = new byte[Math.toIntExact(bytes)];
        try {
            d.folder().readFully(name, d.offsetOf()[at], record);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read triple " + key.id() + " from " + d.folder() + "/" + name, e);
        }
        return record;
    }

    private void checkNotTaken(TripleKey key) {
        if (taken.contains(key)) {
            throw new TripleReuseException(key);
        }
        if (takenEarlier.contains(key)) {
            throw new TripleReuseException(key, "the ledger shows it committed at a checkpoint of run " + String.join(", ", ledger.runs()) + " (a key is taken once)");
        }
    }

    @Override
    public synchronized List<TripleKey> consumed() {
        return List.copyOf(consumed);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int w = 0; w < dealings.length; w++) {
            release(w);
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    /** Drops dealing w and closes its folder's open files (read only: a failure to close them loses nothing). */
    private synchronized void release(int w) {
        Dealing d = dealings[w];
        dealings[w] = null;
        if (d != null) {
            closeQuietly(d.folder(), null);
        }
    }

    private static void closeQuietly(ByteSource folder, Throwable cause) {
        try {
            folder.close();
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("stored triple source of party " + party + " is closed");
        }
    }
}
