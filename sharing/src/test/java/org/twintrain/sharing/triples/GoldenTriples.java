package org.twintrain.sharing.triples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

/**
 * Makes the golden store folders of {@link TripleFile} format version 2: a tiny plan with one key of every
 * kind, a fixed dealer seed, and both servers' files. Regenerate (only when the format version changes) with
 * {@code java -cp sharing/target/classes:sharing/target/test-classes org.twintrain.sharing.triples.GoldenTriples
 * sharing/src/test/resources/org/twintrain/sharing/triples/golden-v2}.
 */
public final class GoldenTriples {
    static final byte[] DEALER_SEED = "twintrain golden triples v1".getBytes(StandardCharsets.US_ASCII);
    static final FixedPoint CODEC = new FixedPoint(13);

    private GoldenTriples() {
    }

    static TriplePlan plan() {
        return TriplePlan.of(List.of(
                new TripleKey(0, 0, "dense", 0, TripleKey.Kind.MATMUL, new int[] {2, 3, 2}),
                new TripleKey(0, 0, "dense", 1, TripleKey.Kind.TRUNC, new int[] {2}),
                new TripleKey(0, 0, "relu", 0, TripleKey.Kind.AND, new int[] {2}),
                new TripleKey(0, 0, "relu", 1, TripleKey.Kind.BIT, new int[] {2}),
                new TripleKey(0, 1, "loss", 0, TripleKey.Kind.MUL, new int[] {3}),
                new TripleKey(0, 1, "loss", 1, TripleKey.Kind.SQUARE, new int[] {1})),
                CODEC.fractionalBits(), TruncationMode.WRAP_FREE);
    }

    /** The golden files by path relative to the golden folder: store0/..., store1/... (two part files). */
    static Map<String, byte[]> files() throws IOException {
        TriplePlan plan = plan();
        Dealer dealer = new Dealer(DEALER_SEED, CODEC);
        Map<String, byte[]> files = new LinkedHashMap<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        plan.write(text);
        files.put("store0/" + TripleFile.PLAN_FILE, text.toByteArray());
        ByteArrayOutputStream seed = new ByteArrayOutputStream();
        TripleFile.writeParty0(seed, plan, dealer.party0Seed());
        files.put("store0/" + TripleFile.PARTY0_FILE, seed.toByteArray());
        files.put("store1/" + TripleFile.PLAN_FILE, text.toByteArray());
        int[][] ranges = {{0, 4}, {4, 2}};
        for (int t = 0; t < ranges.length; t++) {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            TripleFile.writeParty1(part, plan, dealer, ranges[t][0], ranges[t][1]);
            files.put("store1/" + TripleFile.partName(t), part.toByteArray());
        }
        return files;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        for (Map.Entry<String, byte[]> e : files().entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        System.out.println("wrote golden triple files of plan " + plan().id() + " to " + dir);
    }
}
