package org.twintrain.jobs.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.twintrain.dataprep.format.ParallelTextReader;
import org.twintrain.dataprep.format.Tokenizer;
import org.twintrain.dataprep.format.Vocabulary;
import org.twintrain.engine.models.Seq2Seq;

/**
 * Parallel text for seq2seq, read with data-prep's reader, tokenizer and vocabulary: vocabularies from the
 * training side only (at most {@code vocab} entries each, the rest {@code <unk>}); source sentences as token
 * ids, targets with {@code </s>} appended; pairs longer than {@code maxLength} tokens on either side are
 * dropped. Batches are time-major and padded, with a mask of the real target tokens.
 */
final class TextData {
    final Vocabulary source;
    final Vocabulary target;
    final int[][] trainSrc;
    final int[][] trainTgt;
    final int[][] devSrc;
    final int[][] devTgt;

    private TextData(Vocabulary source, Vocabulary target, int[][][] train, int[][][] dev) {
        this.source = source;
        this.target = target;
        this.trainSrc = train[0];
        this.trainTgt = train[1];
        this.devSrc = dev[0];
        this.devTgt = dev[1];
    }

    /** Files: train = source,target; dev = source,target. */
    static TextData load(StudyConfig.DataSpec spec) throws IOException {
        ParallelTextReader.ParallelText train = read(spec.train(), "train", spec.trainLimit());
        ParallelTextReader.ParallelText dev = read(spec.dev(), "dev", spec.devLimit());
        List<List<String>> trainSrc = tokenize(train.source());
        List<List<String>> trainTgt = tokenize(train.target());
        int vocab = spec.vocab();
        Vocabulary src = Vocabulary.build(Vocabulary.count(trainSrc), vocab, 1);
        Vocabulary tgt = Vocabulary.build(Vocabulary.count(trainTgt), vocab, 1);
        return new TextData(src, tgt, encode(src, tgt, trainSrc, trainTgt, spec.maxLength()),
                encode(src, tgt, tokenize(dev.source()), tokenize(dev.target()), spec.maxLength()));
    }

    int trainSize() {
        return trainSrc.length;
    }

    int devSize() {
        return devSrc.length;
    }

    /** The batch of the given sentence pairs. */
    static Seq2Seq.Batch batch(int[][] srcs, int[][] tgts, int[] rows) {
        int ts = 1;
        int tt = 1;
        for (int r : rows) {
            ts = Math.max(ts, srcs[r].length);
            tt = Math.max(tt, tgts[r].length);
        }
        int n = rows.length;
        int[][] src = new int[ts][n];
        int[][] tgt = new int[tt][n];
        double[][] mask = new double[tt][n];
        for (int b = 0; b < n; b++) {
            int[] s = srcs[rows[b]];
            int[] t = tgts[rows[b]];
            for (int i = 0; i < s.length; i++) {
                src[i][b] = s[i];
            }
            for (int i = 0; i < t.length; i++) {
                tgt[i][b] = t[i];
                mask[i][b] = 1;
            }
        }
        return new Seq2Seq.Batch(src, tgt, mask);
    }

    private static ParallelTextReader.ParallelText read(List<String> files, String what, int limit) throws IOException {
        if (files.size() != 2) {
            throw new IllegalArgumentException("text " + what + " must list two files (source, target), got " + files.size());
        }
        ParallelTextReader.ParallelText t = ParallelTextReader.read(Path.of(files.get(0)), Path.of(files.get(1)));
        if (limit > 0 && limit < t.size()) {
            return new ParallelTextReader.ParallelText(t.source().subList(0, limit), t.target().subList(0, limit));
        }
        return t;
    }

    private static List<List<String>> tokenize(List<String> lines) {
        List<List<String>> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(Tokenizer.tokenize(l));
        }
        return out;
    }

    private static int[][][] encode(Vocabulary sv, Vocabulary tv, List<List<String>> src, List<List<String>> tgt,
            int maxLength) {
        List<int[]> s = new ArrayList<>();
        List<int[]> t = new ArrayList<>();
        for (int i = 0; i < src.size(); i++) {
            if (src.get(i).isEmpty() || tgt.get(i).isEmpty()) {
                continue;
            }
            int[] a = sv.encode(src.get(i), false, false);
            int[] b = tv.encode(tgt.get(i), false, true);
            if (maxLength > 0 && (a.length > maxLength || b.length > maxLength)) {
                continue;
            }
            s.add(a);
            t.add(b);
        }
        return new int[][][] {s.toArray(new int[0][]), t.toArray(new int[0][])};
    }
}
