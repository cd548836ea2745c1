package org.twintrain.dataprep.etl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.twintrain.dataprep.format.DataFormatException;
import org.twintrain.dataprep.format.ParallelTextReader;
import org.twintrain.dataprep.format.Tokenizer;
import org.twintrain.dataprep.format.Vocabulary;

import com.fasterxml.jackson.databind.node.ObjectNode;

import scala.Tuple2;

/**
 * The text part of {@link PrepJob}. Splits are the file-name prefixes X with both {@code X.<src>} and
 * {@code X.<tgt>} in the input folder ({@code train} is required). The driver streams each pair of files once
 * through {@link ParallelTextReader} (strict UTF-8, equal line counts, errors with file and line); tokenizing,
 * vocabulary counting and id mapping run in Spark tasks. Vocabularies are built from the training split only
 * ({@link Vocabulary#build}) and written beside the data as {@code vocab.<src>.txt} and {@code vocab.<tgt>.txt}.
 *
 * <p>Row schema ({@link #SCHEMA}): {@code id} long (line number - 1), {@code split}, {@code src_ids}
 * array&lt;int&gt; = source tokens then {@code </s>}, {@code tgt_ids} array&lt;int&gt; = {@code <s>}, target
 * tokens, {@code </s>}, {@code src_len} and {@code tgt_len} (the array lengths), {@code bucket} =
 * (max(src_len, tgt_len) - 1) / bucketWidth. Raw text is held in driver memory once: fine for corpora of
 * millions of short lines, not for billions.
 */
final class TextEtl {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("split", DataTypes.StringType, false)
            .add("src_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("tgt_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("src_len", DataTypes.IntegerType, false)
            .add("tgt_len", DataTypes.IntegerType, false)
            .add("bucket", DataTypes.IntegerType, false);

    private TextEtl() {
    }

    /** One aligned sentence pair, raw then tokenized. */
    record Pair(String split, long id, List<String> src, List<String> tgt) implements java.io.Serializable {
    }

    /** One aligned raw sentence pair. */
    record Raw(String split, long id, String src, String tgt) implements java.io.Serializable {
    }

    /** Runs the text ETL into {@code tmp}; returns the number of sentence pairs written. */
    static long run(SparkSession spark, PrepOptions opts, Path tmp, ObjectNode manifest) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FileSystem fs = new Path(opts.input()).getFileSystem(conf);
        Path root = fs.makeQualified(new Path(opts.input()));
        if (!fs.exists(root)) {
            throw DataFormatException.of(opts.input(), "no such file or folder");
        }
        Map<String, Path[]> splits = findSplits(fs, root, opts.srcLang(), opts.tgtLang());
        if (!splits.containsKey("train")) {
            throw DataFormatException.of(opts.input(), "no train." + opts.srcLang() + " / train." + opts.tgtLang());
        }
        List<Raw> raw = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Path[]> e : splits.entrySet()) {
            Path[] pair = e.getValue();
            try (InputStream s = fs.open(pair[0]); InputStream t = fs.open(pair[1])) {
                ParallelTextReader.forEach(s, pair[0].toString(), t, pair[1].toString(),
                        (line, src, tgt) -> raw.add(new Raw(e.getKey(), line - 1, src, tgt)));
            }
            files.add(pair[0]);
            files.add(pair[1]);
        }
        int partitions = opts.partitions() > 0 ? opts.partitions() : 2 * jsc.defaultParallelism();
        JavaRDD<Pair> pairs = jsc.parallelize(raw, partitions)
                .map(r -> new Pair(r.split(), r.id(), Tokenizer.tokenize(r.src()), Tokenizer.tokenize(r.tgt())))
                .cache();
        try {
            JavaRDD<Pair> train = pairs.filter(p -> p.split().equals("train"));
            // One counting job for both sides: tokens never contain a space, so "s "/"t " prefixes are unambiguous.
            Map<String, Long> counts = train.flatMap(p -> {
                List<String> tagged = new ArrayList<>(p.src().size() + p.tgt().size());
                p.src().forEach(t -> tagged.add("s " + t));
                p.tgt().forEach(t -> tagged.add("t " + t));
                return tagged.iterator();
            }).countByValue();
            Map<String, Long> srcCounts = new java.util.HashMap<>();
            Map<String, Long> tgtCounts = new java.util.HashMap<>();
            counts.forEach((k, v) -> (k.charAt(0) == 's' ? srcCounts : tgtCounts).put(k.substring(2), v));
            Vocabulary srcVocab = Vocabulary.build(srcCounts, opts.vocabSize(), opts.minCount());
            Vocabulary tgtVocab = Vocabulary.build(tgtCounts, opts.vocabSize(), opts.minCount());
            Broadcast<Vocabulary> sv = jsc.broadcast(srcVocab);
            Broadcast<Vocabulary> tv = jsc.broadcast(tgtVocab);
            int width = opts.bucketWidth();
            JavaRDD<Row> rows = pairs.map(p -> {
                int[] s = sv.value().encode(p.src(), false, true);
                int[] t = tv.value().encode(p.tgt(), true, true);
                int bucket = (Math.max(s.length, t.length) - 1) / width;
                return RowFactory.create(p.id(), p.split(), s, t, s.length, t.length, bucket);
            });
            spark.createDataFrame(rows, SCHEMA).write().partitionBy("split")
                    .parquet(new Path(tmp, Manifest.DATA).toString());
            String srcFile = "vocab." + opts.srcLang() + ".txt";
            String tgtFile = "vocab." + opts.tgtLang() + ".txt";
            writeVocab(fs, new Path(tmp, srcFile), srcVocab);
            writeVocab(fs, new Path(tmp, tgtFile), tgtVocab);

            // Per split: count, bucket histogram, share of <unk> tokens.
            List<Tuple2<String, long[]>> perSplit = pairs.map(p -> {
                int[] s = sv.value().encode(p.src(), false, true);
                int[] t = tv.value().encode(p.tgt(), true, true);
                int bucket = (Math.max(s.length, t.length) - 1) / width;
                long[] v = new long[5 + 64];
                v[0] = 1;
                v[1] = p.src().size();
                v[2] = count(s, Vocabulary.UNK_ID);
                v[3] = p.tgt().size();
                v[4] = count(t, Vocabulary.UNK_ID);
                v[5 + Math.min(bucket, 63)] = 1;
                return new Tuple2<>(p.split(), v);
            }).mapToPair(t -> t).reduceByKey(TextEtl::add).collect();

            manifest.set("sources", Sources.checksums(files, conf, jsc));
            var voc = manifest.putObject("vocabulary");
            voc.put("sourceFile", srcFile);
            voc.put("targetFile", tgtFile);
            voc.put("sourceSize", srcVocab.size());
            voc.put("targetSize", tgtVocab.size());
            voc.put("builtFrom", "train");
            var specials = voc.putObject("specials");
            for (int i = 0; i < Vocabulary.SPECIALS.size(); i++) {
                specials.put(Vocabulary.SPECIALS.get(i), i);
            }
            manifest.put("tokenizer", "NFC, lower-case (Locale.ROOT), split on white space, every code point that "
                    + "is not a letter, digit or combining mark is its own token (org.twintrain.dataprep.format.Tokenizer)");
            manifest.put("bucketWidth", width);
            var splitsNode = manifest.putObject("splits");
            long total = 0;
            for (String split : splits.keySet()) {
                long[] v = perSplit.stream().filter(t -> t._1().equals(split)).findFirst().orElseThrow()._2();
                var node = splitsNode.putObject(split);
                node.put("count", v[0]);
                node.put("sourceTokens", v[1]);
                node.put("sourceUnkRate", v[1] == 0 ? 0 : (double) v[2] / v[1]);
                node.put("targetTokens", v[3]);
                node.put("targetUnkRate", v[3] == 0 ? 0 : (double) v[4] / v[3]);
                var buckets = node.putArray("bucketCounts");
                int last = 63;
                while (last > 0 && v[5 + last] == 0) {
                    last--;
                }
                for (int b = 0; b <= last; b++) {
                    buckets.add(v[5 + b]);
                }
                total += v[0];
            }
            manifest.set("schema", Manifest.JSON.readTree(SCHEMA.json()));
            manifest.put("layout", Manifest.DATA + "/split=<name>/*.parquet");
            return total;
        } finally {
            pairs.unpersist();
        }
    }

    private static long count(int[] ids, int id) {
        long n = 0;
        for (int x : ids) {
            if (x == id) {
                n++;
            }
        }
        return n;
    }

    private static long[] add(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static void writeVocab(FileSystem fs, Path file, Vocabulary vocab) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            vocab.write(out);
        }
    }

    /** Splits by file-name prefix, train first then the others alphabetically; [0] source, [1] target. */
    private static Map<String, Path[]> findSplits(FileSystem fs, Path root, String src, String tgt)
            throws IOException {
        Map<String, Path[]> out = new TreeMap<>((a, b) -> a.equals(b) ? 0
                : a.equals("train") ? -1 : b.equals("train") ? 1 : a.compareTo(b));
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (st.isFile() && name.endsWith("." + src)) {
                String split = name.substring(0, name.length() - src.length() - 1);
                Path target = new Path(root, split + "." + tgt);
                if (!fs.exists(target)) {
                    throw DataFormatException.of(target.toString(), "no such file (pair of " + name + ")");
                }
                out.put(split, new Path[] {st.getPath(), target});
            }
        }
        return out;
    }
}
