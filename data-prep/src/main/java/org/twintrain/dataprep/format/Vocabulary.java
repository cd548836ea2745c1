package org.twintrain.dataprep.format;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A token vocabulary. Ids 0..3 are the specials {@code <pad>}=0, {@code <unk>}=1, {@code <s>}=2,
 * {@code </s>}=3; regular tokens follow by decreasing training-set frequency, ties broken by
 * {@link String#compareTo} so the result does not depend on input order or partitioning. On disk: UTF-8, one
 * token a line, line i (0-based) is id i.
 */
public final class Vocabulary implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int BOS_ID = 2;
    public static final int EOS_ID = 3;
    public static final List<String> SPECIALS = List.of(PAD, UNK, BOS, EOS);

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /**
     * Builds a vocabulary from token counts.
     *
     * @param maxSize  total size including the 4 specials (0 for no limit)
     * @param minCount keep only tokens seen at least this often (1 keeps all)
     */
    public static Vocabulary build(Map<String, Long> counts, int maxSize, long minCount) {
        if (maxSize != 0 && maxSize < SPECIALS.size()) {
            throw new IllegalArgumentException("vocabulary size must be at least " + SPECIALS.size());
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() >= minCount && !SPECIALS.contains(e.getKey())) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> {
            int byCount = Long.compare(b.getValue(), a.getValue());
            return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
        });
        List<String> tokens = new ArrayList<>(SPECIALS);
        for (Map.Entry<String, Long> e : entries) {
            if (maxSize != 0 && tokens.size() >= maxSize) {
                break;
            }
            tokens.add(e.getKey());
        }
        return new Vocabulary(tokens);
    }

    /** Counts the tokens of tokenized sentences. */
    public static Map<String, Long> count(Iterable<List<String>> sentences) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> sentence : sentences) {
            for (String token : sentence) {
                counts.merge(token, 1L, Long::sum);
            }
        }
        return counts;
    }

    public int size() {
        return tokens.size();
    }

    /** The id of a token, {@link #UNK_ID} if it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    public String token(int id) {
        return tokens.get(id);
    }

    public List<String> tokens() {
        return tokens;
    }

    /** Token ids of a tokenized sentence, optionally wrapped in {@code <s>} ... {@code </s>}. */
    public int[] encode(List<String> sentence, boolean bos, boolean eos) {
        int[] out = new int[sentence.size() + (bos ? 1 : 0) + (eos ? 1 : 0)];
        int at = 0;
        if (bos) {
            out[at++] = BOS_ID;
        }
        for (String token : sentence) {
            out[at++] = id(token);
        }
        if (eos) {
            out[at] = EOS_ID;
        }
        return out;
    }

    /** Writes one token a line, UTF-8. */
    public void write(OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        for (String token : tokens) {
            writer.write(token);
            writer.write('\n');
        }
        writer.flush();
    }

    /** Reads a vocabulary file written by {@link #write}; checks the specials are in place. */
    public static Vocabulary read(InputStream in, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> tokens = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            tokens.add(line);
        }
        if (tokens.isEmpty()) {
            throw DataFormatException.of(source, "empty file");
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            if (i >= tokens.size() || !tokens.get(i).equals(SPECIALS.get(i))) {
                throw DataFormatException.atLine(source, i + 1, "expected special token " + SPECIALS.get(i));
            }
        }
        return new Vocabulary(tokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + tokens.size() + "]";
    }
}
