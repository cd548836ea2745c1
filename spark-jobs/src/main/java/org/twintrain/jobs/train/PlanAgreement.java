package org.twintrain.jobs.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.channel.ChannelException;
import org.twintrain.store.DataShareManifest;

/**
 * The check that both servers run the same plan, made right after the channel opens and before any share is
 * opened or any triple taken. The TLS hello already pairs the run ids; this adds everything else that must be
 * equal for the two halves of the computation to fit: the public training configuration (every {@code ring.*},
 * {@code approx.*}, {@code model.*}, {@code train.*} and {@code triples.*} key, except the ones in {@link
 * #LOCAL_KEYS} that only change what one server logs), the data set's public manifest (data set id, sharing
 * session, rows, features, classes, fractional bits) and of a test set if any, and each side's party number
 * (server 0 must meet server 1).
 *
 * <p>Each side sends its statement as sorted {@code key=value} lines (public values only: the configuration
 * holds no secret and the manifests only ids and counts), then reads the peer's; both compare, so both refuse a
 * mismatch, each naming the keys that differ with both values. Wire: {@link Channel#send} of {@code [MAGIC,
 * party, byte length]}, then the UTF-8 text packed big-endian into words; sends and receives only, so the
 * channel counts the bytes but no round.
 */
final class PlanAgreement {
    /** "TTPLAN01". */
    static final long MAGIC = 0x5454504C414E3031L;
    /** Keys of the sections above that may differ between the servers: they change only one side's logs. */
    static final Set<String> LOCAL_KEYS = Set.of("train.progressEvery", "train.maxAttempts");
    private static final List<String> SECTIONS = List.of("ring.", "approx.", "model.", "train.", "triples.");
    private static final int MAX_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(PlanAgreement.class);

    private PlanAgreement() {
    }

    /** What this server states about its run (no party: that is sent beside it). */
    static SortedMap<String, String> statement(Map<String, String> settings, String runId, DataShareManifest data,
            DataShareManifest test, String tripleSession) {
        SortedMap<String, String> s = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (SECTIONS.stream().anyMatch(k::startsWith) && !LOCAL_KEYS.contains(k)) {
                s.put(k, v);
            }
        });
        s.put("run.id", runId);
        if (tripleSession != null) {
            // Each server's half of the stored triples must come from the same dealing of the plan.
            s.put("triples.session", tripleSession);
        }
        putData(s, "data.", data);
        if (test != null) {
            putData(s, "test.", test);
        }
        return s;
    }

    private static void putData(SortedMap<String, String> s, String prefix, DataShareManifest m) {
        s.put(prefix + "datasetId", m.datasetId());
        s.put(prefix + "sessionId", m.sessionId());
        s.put(prefix + "rows", String.valueOf(m.rows()));
        s.put(prefix + "features", String.valueOf(m.features()));
        s.put(prefix + "classes", String.valueOf(m.classes()));
        s.put(prefix + "fractionalBits", String.valueOf(m.fractionalBits()));
    }

    /**
     * Runs the agreement on a freshly opened channel and returns it; on a mismatch (or a peer that does not speak
     * it) closes the channel and throws {@link ChannelException} naming both sides' values.
     */
    static Channel agreed(Channel channel, int party, SortedMap<String, String> statement) {
        try {
            agree(channel, party, statement);
            return channel;
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static void agree(Channel channel, int party, SortedMap<String, String> statement) {
        byte[] mine = text(statement).getBytes(StandardCharsets.UTF_8);
        channel.send(new long[] {MAGIC, party, mine.length});
        channel.send(pack(mine));
        long[] header = channel.receive(3);
        String peer = "server " + (1 - party) + " (" + channel.peerName() + ")";
        if (header[0] != MAGIC) {
            throw new ChannelException("server " + party + ": " + peer + " did not send a plan statement; is it an "
                    + "older TwinTrain?");
        }
        if (header[1] != 1 - party) {
            throw new ChannelException("server " + party + " met a peer that is also server " + header[1] + " at "
                    + channel.peerName() + "; one side must run --server 0 and the other --server 1");
        }
        if (header[2] < 0 || header[2] > MAX_BYTES) {
            throw new ChannelException("server " + party + ": " + peer + " announced a plan statement of " + header[2]
                    + " bytes");
        }
        int length = (int) header[2];
        byte[] theirs = unpack(channel.receive((length + 7) / 8), length);
        SortedMap<String, String> peerStatement = parse(new String(theirs, StandardCharsets.UTF_8));
        if (!peerStatement.equals(statement)) {
            throw new ChannelException("server " + party + " refuses to train with " + peer + ": the two servers do not"
                    + " run the same plan (" + differences(statement, peerStatement, 1 - party) + "); statement digest"
                    + " ours " + digest(statement) + ", the peer's " + digest(peerStatement)
                    + "; nothing was opened or written");
        }
        LOG.info("server {} and {} run the same plan (run {}, statement digest {})", party, peer,
                statement.get("run.id"), digest(statement));
    }

    /** SHA-256 of the statement's text, hex: what an operator compares out of band. */
    static String digest(SortedMap<String, String> statement) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text(statement).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Up to eight differing keys, each with ours and the peer's value. */
    static String differences(SortedMap<String, String> ours, SortedMap<String, String> theirs, int peerParty) {
        Set<String> keys = new TreeSet<>(ours.keySet());
        keys.addAll(theirs.keySet());
        List<String> diffs = new ArrayList<>();
        for (String k : keys) {
            String a = ours.get(k), b = theirs.get(k);
            if (a == null || !a.equals(b)) {
                diffs.add(k + ": ours " + (a == null ? "(not set)" : "'" + a + "'") + ", server " + peerParty + "'s "
                        + (b == null ? "(not set)" : "'" + b + "'"));
            }
        }
        int shown = Math.min(8, diffs.size());
        String list = String.join("; ", diffs.subList(0, shown));
        return diffs.size() > shown ? list + "; and " + (diffs.size() - shown) + " more" : list;
    }

    private static String text(SortedMap<String, String> statement) {
        StringBuilder sb = new StringBuilder();
        statement.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static SortedMap<String, String> parse(String text) {
        SortedMap<String, String> m = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static long[] pack(byte[] bytes) {
        byte[] padded = java.util.Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
        long[] words = new long[padded.length / 8];
        ByteBuffer.wrap(padded).asLongBuffer().get(words);
        return words;
    }

    private static byte[] unpack(long[] words, int length) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 8);
        b.asLongBuffer().put(words);
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }
}
