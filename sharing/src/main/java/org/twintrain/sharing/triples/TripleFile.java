package org.twintrain.sharing.triples;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.twintrain.sharing.protocol.TruncationMode;

/**
 * The on-disk format of one server's stored triples, version 1. All numbers big-endian.
 *
 * <pre>
 * header, 64 bytes:
 *   0   8  magic "TTTRIPLE" (ASCII)
 *   8   4  format version (1)
 *   12  4  party (0 or 1): whose half the file holds
 *   16 32  plan id (the SHA-256 of {@link TriplePlan}, raw bytes)
 *   48  4  fixed-point fractional bits
 *   52  4  truncation mode: 0 LOCAL, 1 WRAP_FREE
 *   56  4  first: plan index of the file's first key (party 1; 0 for party 0)
 *   60  4  count: keys in the file (party 1; 0 for party 0)
 * party 0 ({@value #PARTY0_FILE}): 32 bytes, the party-0 seed ({@link Dealer#expandParty0} derives every half
 *   but the parts both servers store)
 * party 1 (part-NNNNN.trp, one per writer task): count records in plan order, for plan indices first ..
 *   first+count-1, each:
 *   0   4  plan index of the key
 *   4   4  words: total 64-bit words of the record (the sum of {@link Dealer#partSizes})
 *   8  8*words  the parts in {@link TripleSource#take} order, concatenated
 * party 0 part files (part-NNNNN.trp, only when the plan has keys with {@link Dealer#sharedParts}, such as DCF
 *   correction words): header as above with party 0, then a record of the same layout for each such key among
 *   plan indices first .. first+count-1, holding only its shared parts.
 * </pre>
 *
 * Record offsets follow from the plan alone (the sizes depend only on the keys), so a reader seeks straight to
 * a key; the index and word count in each record catch a file that does not match its plan.
 */
public final class TripleFile {
    public static final int FORMAT_VERSION = 2; // 2: plan.txt carries the plan's binding (TriplePlan format 2)
    public static final int HEADER_BYTES = 64;
    public static final int RECORD_HEADER_BYTES = 8;
    public static final int SEED_BYTES = 32;
    /** Server 0's file in its store folder. */
    public static final String PARTY0_FILE = "party0.seed";
    /** The plan's canonical text, in both store folders. */
    public static final String PLAN_FILE = "plan.txt";
    static final byte[] MAGIC = "TTTRIPLE".getBytes(StandardCharsets.US_ASCII);

    private TripleFile() {
    }

    /** Name of server 1's file written by task i. */
    public static String partName(int task) {
        return String.format("part-%05d.trp", task);
    }

    /** Whether name is one of server 1's part files. */
    public static boolean isPart(String name) {
        return name.startsWith("part-") && name.endsWith(".trp");
    }

    /** The fixed header of a triple file. */
    public record Header(int party, String planId, int fractionalBits, TruncationMode truncation, int first,
            int count) {

        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
            b.put(MAGIC).putInt(FORMAT_VERSION).putInt(party).put(HexFormat.of().parseHex(planId))
                    .putInt(fractionalBits).putInt(truncationCode(truncation)).putInt(first).putInt(count);
            return b.array();
        }

        /** Decodes and checks magic and version; where names the file in messages. */
        public static Header decode(byte[] bytes, String where) {
            if (bytes.length < HEADER_BYTES) {
                throw new IllegalArgumentException(where + " is too short for a triple file header ("
                        + bytes.length + " bytes)");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(where + " is not a TwinTrain triple file (bad magic at byte 0)");
            }
            int version = b.getInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(where + " has triple format version " + version + " at byte 8; "
                        + "this reader knows version " + FORMAT_VERSION);
            }
            int party = b.getInt();
            byte[] plan = new byte[32];
            b.get(plan);
            int f = b.getInt();
            int mode = b.getInt();
            TruncationMode truncation = switch (mode) {
                case 0 -> TruncationMode.LOCAL;
                case 1 -> TruncationMode.WRAP_FREE;
                default -> throw new IllegalArgumentException(where + ": unknown truncation code " + mode + " at byte 52");
            };
            return new Header(party, HexFormat.of().formatHex(plan), f, truncation, b.getInt(), b.getInt());
        }
    }

    static int truncationCode(TruncationMode mode) {
        return switch (mode) {
            case LOCAL -> 0;
            case WRAP_FREE -> 1;
        };
    }

    /** Writes server 0's file: header and seed. */
    public static void writeParty0(OutputStream out, TriplePlan plan, byte[] party0Seed) throws IOException {
        if (party0Seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("the party-0 seed must have " + SEED_BYTES + " bytes");
        }
        out.write(new Header(0, plan.id(), plan.fractionalBits(), plan.truncation(), 0, 0).encode());
        out.write(party0Seed);
    }

    /**
     * Writes server 1's file of plan indices first .. first+count-1, their halves from the dealer. Returns
     * the bytes written.
     */
    public static long writeParty1(OutputStream out, TriplePlan plan, Dealer dealer, int first, int count)
            throws IOException {
        requireSameFractionalBits(plan, dealer);
        DataOutputStream data = new DataOutputStream(out);
        data.write(new Header(1, plan.id(), plan.fractionalBits(), plan.truncation(), first, count).encode());
        long bytes = HEADER_BYTES;
        for (int i = first; i < first + count; i++) {
            Correlation half = dealer.half(1, plan.key(i));
            bytes += writeRecord(data, i, half);
        }
        data.flush();
        return bytes;
    }

    /**
     * Writes both servers' part files of plan indices first .. first+count-1 in one pass (each key's halves made
     * once): server 1's full halves to out1, the shared parts to out0. Returns {bytes of out0, bytes of out1}.
     */
    public static long[] writeBoth(OutputStream out0, OutputStream out1, TriplePlan plan, Dealer dealer, int first,
            int count) throws IOException {
        requireSameFractionalBits(plan, dealer);
        DataOutputStream data0 = new DataOutputStream(out0), data1 = new DataOutputStream(out1);
        data0.write(new Header(0, plan.id(), plan.fractionalBits(), plan.truncation(), first, count).encode());
        data1.write(new Header(1, plan.id(), plan.fractionalBits(), plan.truncation(), first, count).encode());
        long bytes0 = HEADER_BYTES, bytes1 = HEADER_BYTES;
        for (int i = first; i < first + count; i++) {
            TripleKey key = plan.key(i);
            int shared = Dealer.sharedParts(key.kind());
            if (shared == 0) {
                bytes1 += writeRecord(data1, i, dealer.half(1, key).parts());
                continue;
            }
            Correlation[] halves = dealer.halves(key);
            long[][] parts0 = halves[0].parts();
            bytes0 += writeRecord(data0, i, Arrays.copyOfRange(parts0, parts0.length - shared, parts0.length));
            bytes1 += writeRecord(data1, i, halves[1].parts());
        }
        data0.flush();
        data1.flush();
        return new long[] {bytes0, bytes1};
    }

    private static void requireSameFractionalBits(TriplePlan plan, Dealer dealer) {
        if (dealer.fixedPoint().fractionalBits() != plan.fractionalBits()) {
            throw new IllegalArgumentException("dealer makes truncation pairs for f=" + dealer.fixedPoint()
                    .fractionalBits() + " but the plan is for f=" + plan.fractionalBits());
        }
    }

    private static long writeRecord(DataOutputStream out, int index, Correlation half) throws IOException {
        return writeRecord(out, index, half.parts());
    }

    private static long writeRecord(DataOutputStream out, int index, long[][] parts) throws IOException {
        long words = 0;
        for (long[] p : parts) {
            words += p.length;
        }
        out.writeInt(index);
        out.writeInt(Math.toIntExact(words));
        for (long[] p : parts) {
            ByteBuffer b = ByteBuffer.allocate(p.length * 8);
            b.asLongBuffer().put(p);
            out.write(b.array());
        }
        return RECORD_HEADER_BYTES + words * 8;
    }

    /** Bytes of key's record in a party-1 file. */
    public static long recordBytes(TripleKey key) {
        return RECORD_HEADER_BYTES + TriplePlan.words(key) * 8;
    }

    /** Bytes of key's record in a party-0 part file (0: it has none). */
    public static long sharedRecordBytes(TripleKey key) {
        long words = TriplePlan.sharedWords(key);
        return words == 0 ? 0 : RECORD_HEADER_BYTES + words * 8;
    }

    /** Bytes of server 1's file of plan indices first .. first+count-1. */
    public static long party1FileBytes(TriplePlan plan, int first, int count) {
        long n = HEADER_BYTES;
        for (int i = first; i < first + count; i++) {
            n += recordBytes(plan.key(i));
        }
        return n;
    }

    /** Decodes a record's parts (sizes from the key); checks the record's index and word count. */
    static long[][] decodeRecord(byte[] record, TripleKey key, int index, String where) {
        return decodeRecord(record, key, index, where, Dealer.partSizes(key), TriplePlan.words(key));
    }

    /** Decodes a party-0 record: key's shared parts. */
    static long[][] decodeSharedRecord(byte[] record, TripleKey key, int index, String where) {
        int[] sizes = Dealer.partSizes(key);
        return decodeRecord(record, key, index, where, Arrays.copyOfRange(sizes, sizes.length
                - Dealer.sharedParts(key.kind()), sizes.length), TriplePlan.sharedWords(key));
    }

    private static long[][] decodeRecord(byte[] record, TripleKey key, int index, String where, int[] sizes,
            long expected) {
        ByteBuffer b = ByteBuffer.wrap(record);
        int storedIndex = b.getInt();
        int words = b.getInt();
        if (storedIndex != index || words != expected) {
            throw new IllegalStateException(where + ": the record for plan index " + index + " holds index "
                    + storedIndex + " with " + words + " words (expected " + expected + "): the file does not match "
                    + "its plan");
        }
        long[][] parts = new long[sizes.length][];
        for (int p = 0; p < sizes.length; p++) {
            parts[p] = new long[sizes[p]];
            b.asLongBuffer().get(parts[p]);
            b.position(b.position() + sizes[p] * 8);
        }
        return parts;
    }
}
