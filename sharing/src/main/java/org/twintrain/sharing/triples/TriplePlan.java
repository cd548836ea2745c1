package org.twintrain.sharing.triples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * The correlated randomness one training run consumes: its {@link TripleKey}s in the order the run takes them,
 * with the fixed-point fractional bits and truncation mode they are made for (truncation pairs depend on f,
 * and the mode decides whether there are any). The offline phase makes triples for a plan; a stored source
 * serves only the keys of its plan.
 *
 * <p>The id is the SHA-256 (hex) of the canonical text ({@link #write}): a header line, "fractionalBits f",
 * "truncation MODE", "binding B", "keys N", then one {@link TripleKey#id()} per line, all '\n'-terminated UTF-8.
 * Two plans with the same id are the same plan. The binding names what the plan's triples are for (the jobs put
 * the sharing-session ids of the training and test data there, see {@link #bound}), so triples made for one data
 * set have another plan id than triples for another data set of the same shape, and are refused for it.
 *
 * <p>Derivation ({@link #record}): the secure program's control flow does not depend on the data, so a dry
 * run of one step on two in-process parties ({@link TwoPartyRunner}), with zero data and throwaway dealer
 * triples, draws exactly the keys of every step; the plan repeats them for each (epoch, step) of the run. A
 * program whose first step differs from the others (say, an initialization) needs its own plan for that part. Steps are numbered from 0 over
 * the whole run (as {@link TripleKey#step()} says): epoch e, i-th step of the epoch is step e*stepsPerEpoch+i.
 */
public final class TriplePlan {
    static final String HEADER = "twintrain-triple-plan 2";

    private final List<TripleKey> keys;
    private final int fractionalBits;
    private final TruncationMode truncation;
    private final String binding;
    private final String id;
    private Map<TripleKey, Integer> index;

    /** One step of the secure program, written against {@link Arithmetic}; it must scope its keys to (epoch, step). */
    @FunctionalInterface
    public interface StepProgram {
        /**
         * Runs one training step. Must call {@code a.beginScope(epoch, step, layer)} before drawing triples, and
         * make its inputs itself (the dry run calls it with no data; zeros of the right shapes will do).
         */
        void step(Arithmetic a, long epoch, long step);
    }

    private TriplePlan(List<TripleKey> keys, int fractionalBits, TruncationMode truncation, String binding) {
        this.keys = List.copyOf(keys);
        this.fractionalBits = fractionalBits;
        this.truncation = truncation;
        this.binding = binding;
        this.id = sha256(canonicalText());
    }

    /** A plan of the given keys; refuses a key listed twice (it would mask two openings). */
    public static TriplePlan of(List<TripleKey> keys, int fractionalBits, TruncationMode truncation) {
        new FixedPoint(fractionalBits); // validates f
        if (truncation == null) {
            throw new IllegalArgumentException("truncation mode must be given");
        }
        TriplePlan plan = new TriplePlan(keys, fractionalBits, truncation, "");
        plan.indexMap(); // checks uniqueness
        for (TripleKey k : keys) {
            String layer = k.layer();
            if (layer.isEmpty() || layer.indexOf('/') >= 0 || layer.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("layer name of " + k + " must be non-empty, without '/' or newline");
            }
            Dealer.partSizes(k); // validates kind and shape
        }
        return plan;
    }

    /**
     * Records the plan of a run of epochs x stepsPerEpoch steps by one dry-run step of program on two
     * in-process parties (dealer triples from a throwaway seed, zero data), repeated for every step.
     */
    public static TriplePlan record(int epochs, int stepsPerEpoch, FixedPoint codec, TruncationMode truncation,
            StepProgram program) {
        return record(epochs, stepsPerEpoch, codec, truncation,
                org.twintrain.sharing.protocol.ComparisonProtocol.DEFAULT, program);
    }

    /** The same with the run's comparison protocol (its keys differ: COMPARE keys or AND triples). */
    public static TriplePlan record(int epochs, int stepsPerEpoch, FixedPoint codec, TruncationMode truncation,
            org.twintrain.sharing.protocol.ComparisonProtocol comparison, StepProgram program) {
        if (epochs < 1 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("a plan needs at least one epoch and one step per epoch, got "
                    + epochs + " x " + stepsPerEpoch);
        }
        List<TripleKey> template = dryRun(codec, truncation, comparison, program);
        List<TripleKey> keys = new ArrayList<>(Math.multiplyExact(Math.multiplyExact(epochs, stepsPerEpoch),
                template.size()));
        for (long e = 0; e < epochs; e++) {
            for (long i = 0; i < stepsPerEpoch; i++) {
                long step = e * stepsPerEpoch + i;
                for (TripleKey t : template) {
                    keys.add(new TripleKey(e, step, t.layer(), t.op(), t.kind(), t.shape()));
                }
            }
        }
        return of(keys, codec.fractionalBits(), truncation);
    }

    /**
     * The keys one step of program draws (at epoch 0, step 0), identical for both parties: the program runs on
     * a {@link TwoPartyRunner} whose dealer sources keep the ordered list of keys taken.
     */
    static List<TripleKey> dryRun(FixedPoint codec, TruncationMode truncation,
            org.twintrain.sharing.protocol.ComparisonProtocol comparison, StepProgram program) {
        byte[] throwawaySeed = new byte[32]; // the dry run's values are never used
        TwoPartyRunner.Result<List<TripleKey>> r;
        try {
            r = new TwoPartyRunner(codec, truncation, comparison, throwawaySeed).run(a -> {
                program.step(a, 0, 0);
                return a.context().triples().consumed();
            });
        } catch (TwoPartyRunner.TwoPartyException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw bad; // the program's own error, as it was thrown
            }
            throw new IllegalStateException("dry run of the program failed: " + e.getMessage(), e);
        }
        if (!r.party0().equals(r.party1())) {
            throw new IllegalStateException("the two parties of the dry run drew different triple keys: the "
                    + "program's control flow depends on the party");
        }
        for (TripleKey k : r.party0()) {
            if (k.epoch() != 0 || k.step() != 0) {
                throw new IllegalArgumentException("the program drew " + k + " outside the scope (epoch 0, step 0) "
                        + "of its dry run: it must call beginScope(epoch, step, layer) with the step it is given");
            }
        }
        return r.party0();
    }

    /**
     * The same keys bound to binding (one line of text, e.g. "data SESSION_ID test SESSION_ID"): a plan of
     * another id, whose triples serve only what the binding names.
     */
    public TriplePlan bound(String binding) {
        if (binding == null || binding.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a plan binding is one line of text");
        }
        TriplePlan plan = new TriplePlan(keys, fractionalBits, truncation, binding);
        plan.index = index;
        return plan;
    }

    /** What the plan's triples are bound to ("" when unbound). */
    public String binding() {
        return binding;
    }

    /** Hex SHA-256 of the canonical text. */
    public String id() {
        return id;
    }

    public List<TripleKey> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    public TripleKey key(int i) {
        return keys.get(i);
    }

    public int fractionalBits() {
        return fractionalBits;
    }

    public TruncationMode truncation() {
        return truncation;
    }

    /** Position of key in the plan, or -1 if the plan does not hold it. */
    public int indexOf(TripleKey key) {
        Integer i = indexMap().get(key);
        return i == null ? -1 : i;
    }

    public boolean contains(TripleKey key) {
        return indexOf(key) >= 0;
    }

    /** Number of keys of each kind (kinds absent from the plan are left out). */
    public Map<TripleKey.Kind, Integer> counts() {
        Map<TripleKey.Kind, Integer> m = new EnumMap<>(TripleKey.Kind.class);
        for (TripleKey k : keys) {
            m.merge(k.kind(), 1, Integer::sum);
        }
        return m;
    }

    /** 64-bit words of one party's materialized half, per kind (kinds absent from the plan are left out). */
    public Map<TripleKey.Kind, Long> wordsByKind() {
        Map<TripleKey.Kind, Long> m = new EnumMap<>(TripleKey.Kind.class);
        for (TripleKey k : keys) {
            m.merge(k.kind(), words(k), Long::sum);
        }
        return m;
    }

    /** 64-bit words of one party's materialized half of the whole plan. */
    public long totalWords() {
        return totalWords(whole());
    }

    /** 64-bit words of one party's materialized half of window's keys. */
    public long totalWords(Window window) {
        long n = 0;
        for (int i = window.first(); i < window.end(); i++) {
            n += words(keys.get(i));
        }
        return n;
    }

    /** Words of the parts of key that both servers store ({@link Dealer#sharedParts}; 0 for most kinds). */
    public static long sharedWords(TripleKey key) {
        int[] sizes = Dealer.partSizes(key);
        long n = 0;
        for (int p = sizes.length - Dealer.sharedParts(key.kind()); p < sizes.length; p++) {
            n += sizes[p];
        }
        return n;
    }

    /** Whether server 0 has to store part files too (some key has parts that both servers store). */
    public boolean hasSharedParts() {
        return hasSharedParts(whole());
    }

    /** Whether server 0 has to store part files for window's keys (one of them has parts both servers store). */
    public boolean hasSharedParts(Window window) {
        for (int i = window.first(); i < window.end(); i++) {
            if (Dealer.sharedParts(keys.get(i).kind()) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Words of one party's half of key (all its parts). */
    public static long words(TripleKey key) {
        long n = 0;
        for (int s : Dealer.partSizes(key)) {
            n += s;
        }
        return n;
    }

    /**
     * One window of a plan dealt on its own (the offline phase running ahead of training by a bounded number of
     * windows): plan indices [first, end), whole steps only.
     *
     * @param index        the window's number, from 0
     * @param lastStep     the largest training step of its keys
     * @param trainingOnly whether every key is a training step's (epoch &gt;= 0); evaluation keys are released
     *                     only when the run ends
     */
    public record Window(int index, int first, int end, long lastStep, boolean trainingOnly) {

        /** Whether a checkpoint both servers confirmed at step (steps before it done) covers every key. */
        public boolean coveredBy(long confirmedStep) {
            return trainingOnly && lastStep < confirmedStep;
        }

        public int keys() {
            return end - first;
        }
    }

    /** The whole plan as one window (a plan dealt at once). */
    public Window whole() {
        return new Window(0, 0, keys.size(), -1, false);
    }

    /**
     * The plan cut into windows of stepsPerWindow consecutive (epoch, step) groups, in plan order; the same cut
     * for the dealer and both servers, since it depends on the plan and the number only.
     */
    public List<Window> windows(int stepsPerWindow) {
        if (stepsPerWindow < 1) {
            throw new IllegalArgumentException("a triple window holds at least one step, got " + stepsPerWindow);
        }
        List<Window> out = new ArrayList<>();
        int first = 0;
        int steps = 0;
        long lastStep = -1;
        boolean training = true;
        String label = null;
        for (int i = 0; i < keys.size(); i++) {
            TripleKey k = keys.get(i);
            String l = k.epoch() + "/" + k.step();
            if (!l.equals(label)) {
                if (steps == stepsPerWindow) {
                    out.add(new Window(out.size(), first, i, lastStep, training));
                    first = i;
                    steps = 0;
                    lastStep = -1;
                    training = true;
                }
                steps++;
                label = l;
            }
            if (k.epoch() >= 0) {
                lastStep = Math.max(lastStep, k.step());
            } else {
                training = false;
            }
        }
        if (first < keys.size()) {
            out.add(new Window(out.size(), first, keys.size(), lastStep, training));
        }
        return out;
    }

    /** Distinct (epoch, step) pairs of keys, in plan order, as "epoch/step". */
    public static List<String> steps(List<TripleKey> keys) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TripleKey k : keys) {
            String s = k.epoch() + "/" + k.step();
            if (seen.add(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Writes the canonical text (what the id hashes). */
    public void write(OutputStream out) throws IOException {
        out.write(canonicalText().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a plan written by {@link #write}; if expectedId is not null, refuses a plan with another id. */
    public static TriplePlan read(InputStream in, String expectedId) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        if ("twintrain-triple-plan 1".equals(header)) {
            throw new IllegalArgumentException("a triple plan of format 1 (made before plans were bound to their data"
                    + " set): make the triples again with submit/twintrain triples");
        }
        if (!HEADER.equals(header)) {
            throw new IllegalArgumentException("not a TwinTrain triple plan (line 1 must be '" + HEADER + "')");
        }
        int f = Integer.parseInt(field(r.readLine(), "fractionalBits", 2));
        TruncationMode mode = TruncationMode.parse(field(r.readLine(), "truncation", 3));
        String binding = field(r.readLine(), "binding", 4);
        int n = Integer.parseInt(field(r.readLine(), "keys", 5));
        List<TripleKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String line = r.readLine();
            if (line == null) {
                throw new IllegalArgumentException("triple plan ends after " + i + " of its " + n + " keys");
            }
            keys.add(parseKey(line, 6 + i));
        }
        if (r.readLine() != null) {
            throw new IllegalArgumentException("triple plan has lines after its " + n + " keys");
        }
        TriplePlan plan = of(keys, f, mode).bound(binding);
        if (expectedId != null && !plan.id().equals(expectedId)) {
            throw new IllegalArgumentException("triple plan has id " + plan.id() + ", expected " + expectedId);
        }
        return plan;
    }

    /** Parses {@link TripleKey#id()}. */
    public static TripleKey parseKey(String id, int line) {
        String[] f = id.split("/", -1);
        if (f.length < 5) {
            throw new IllegalArgumentException("line " + line + ": not a triple key id: " + id);
        }
        try {
            int[] shape = new int[f.length - 5];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = Integer.parseInt(f[5 + i]);
            }
            return new TripleKey(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], Integer.parseInt(f[3]),
                    TripleKey.Kind.valueOf(f[4]), shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("line " + line + ": not a triple key id: " + id, e);
        }
    }

    private static String field(String line, String name, int lineNo) {
        if (line != null && line.equals(name)) {
            return ""; // an empty value (the binding of an unbound plan)
        }
        if (line == null || !line.startsWith(name + " ")) {
            throw new IllegalArgumentException("triple plan line " + lineNo + " must be '" + name + " VALUE'");
        }
        return line.substring(name.length() + 1);
    }

    private String canonicalText() {
        StringBuilder sb = new StringBuilder(keys.size() * 32 + 64);
        sb.append(HEADER).append('\n')
                .append("fractionalBits ").append(fractionalBits).append('\n')
                .append("truncation ").append(truncation.name()).append('\n')
                .append("binding").append(binding.isEmpty() ? "" : " " + binding).append('\n')
                .append("keys ").append(keys.size()).append('\n');
        for (TripleKey k : keys) {
            sb.append(k.id()).append('\n');
        }
        return sb.toString();
    }

    private synchronized Map<TripleKey, Integer> indexMap() {
        if (index == null) {
            Map<TripleKey, Integer> m = new HashMap<>(keys.size() * 2);
            for (int i = 0; i < keys.size(); i++) {
                Integer before = m.put(keys.get(i), i);
                if (before != null) {
                    throw new IllegalArgumentException("the plan lists " + keys.get(i) + " twice (positions " + before
                            + " and " + i + "); a triple may mask only one opening");
                }
            }
            index = Collections.unmodifiableMap(m);
        }
        return index;
    }

    static String sha256(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TriplePlan[" + id.substring(0, 12) + ", " + keys.size() + " keys, f=" + fractionalBits + ", "
                + truncation + "]";
    }
}
