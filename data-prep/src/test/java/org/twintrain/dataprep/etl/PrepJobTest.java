package org.twintrain.dataprep.etl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.format.CifarReader;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.DataFormatException;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;
import org.twintrain.dataprep.format.ParallelTextReader;
import org.twintrain.dataprep.format.Tokenizer;
import org.twintrain.dataprep.format.Vocabulary;
import org.twintrain.dataprep.generate.Generators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class PrepJobTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private ObjectNode prep(String... args) throws Exception {
        return PrepJob.run(spark, PrepOptions.parse(args));
    }

    @Test
    void cifar10FolderToParquetMatchesTheSparkFreeReader() throws Exception {
        Path in = dir.resolve("in");
        Generators.cifar10(in, 2, 60, 40, 5, false);
        String out = dir.resolve("out").toString();
        ObjectNode m = prep("--dataset", "cifar10", "--input", in.toString(), "--output", out, "--partitions", "5");

        ImageSet train = CifarReader.read(CifarVariant.CIFAR10, LabelKind.FINE,
                in.resolve("data_batch_1.bin"), in.resolve("data_batch_2.bin"));
        assertEquals(120, m.at("/splits/train/count").asLong());
        assertEquals(40, m.at("/splits/test/count").asLong());
        assertArrayEquals(train.classCounts(), longs(m.at("/splits/train/classCounts")));
        assertEquals("airplane", m.at("/classNames/0").asText());
        assertTrue(m.get("decodeTasks").asInt() >= 5);

        // Normalization statistics: training split only, per channel, on pixel / 255.
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < train.count; i++) {
                for (int p = 0; p < 1024; p++) {
                    double v = train.pixel(i, c, p / 32, p % 32) / 255.0;
                    sum += v;
                    sq += v * v;
                }
            }
            double n = train.count * 1024.0;
            assertEquals(sum / n, m.at("/normalization/mean/" + c).asDouble(), 1e-9);
            assertEquals(Math.sqrt(sq / n - (sum / n) * (sum / n)), m.at("/normalization/std/" + c).asDouble(), 1e-9);
        }

        // Sources: every input file with its SHA-256.
        JsonNode sources = m.get("sources");
        assertEquals(4, sources.size());
        for (JsonNode s : sources) {
            Path p = Path.of(new org.apache.hadoop.fs.Path(s.get("path").asText()).toUri().getPath());
            assertEquals(sha256(p), s.get("sha256").asText());
        }

        PreparedDataset prepared = PreparedDataset.load(spark, out);
        assertEquals("cifar10", prepared.dataset());
        List<Row> rows = prepared.split("train").orderBy("id").collectAsList();
        assertEquals(120, rows.size());
        for (int i : new int[] {0, 59, 60, 119}) {
            Row r = rows.get(i);
            assertEquals(i, r.getLong(r.fieldIndex("id")));
            assertEquals(train.labels[i], r.getInt(r.fieldIndex("label")));
            List<Float> features = r.getList(r.fieldIndex("features"));
            assertEquals(3072, features.size());
            for (int p = 0; p < 3072; p += 97) {
                assertEquals((train.pixels[i * 3072 + p] & 0xFF) / 255f, features.get(p));
            }
        }
        assertEquals(40, prepared.split("test").count());
        assertEquals(3, prepared.channelMean().length);
    }

    @Test
    void tarballGivesTheSameRowsAsTheFolder() throws Exception {
        Path in = dir.resolve("in");
        Generators.cifar10(in, 2, 30, 20, 6, true);
        prep("--dataset", "cifar10", "--input", in.toString(), "--output", dir.resolve("a").toString());
        ObjectNode m = prep("--dataset", "cifar10", "--input", in.resolve("cifar-10-binary.tar.gz").toString(),
                "--output", dir.resolve("b").toString());
        assertEquals(60, m.at("/splits/train/count").asLong());
        assertEquals(1, m.get("sources").size());
        List<Row> a = PreparedDataset.load(spark, dir.resolve("a").toString()).rows()
                .orderBy("split", "id").collectAsList();
        List<Row> b = PreparedDataset.load(spark, dir.resolve("b").toString()).rows()
                .orderBy("split", "id").collectAsList();
        assertEquals(a, b);
    }

    @Test
    void cifar100CoarseLabels() throws Exception {
        Path in = dir.resolve("in");
        Generators.cifar100(in, 200, 100, 8, false);
        ObjectNode m = prep("--dataset", "cifar100", "--input", in.toString(), "--output",
                dir.resolve("out").toString(), "--labels", "coarse");
        ImageSet coarse = CifarReader.read(CifarVariant.CIFAR100, LabelKind.COARSE, in.resolve("train.bin"));
        assertEquals(20, m.get("classNames").size());
        assertArrayEquals(coarse.classCounts(), longs(m.at("/splits/train/classCounts")));
        assertEquals(100, m.at("/splits/test/count").asLong());
        assertEquals("coarse", m.at("/parameters/labels").asText());
    }

    @Test
    void mnistGzippedIdx() throws Exception {
        Path in = dir.resolve("in");
        Generators.mnist(in, 90, 30, 9);
        ObjectNode m = prep("--dataset", "mnist", "--input", in.toString(), "--output", dir.resolve("out").toString(),
                "--partitions", "4");
        ImageSet train = MnistReader.read(in.resolve("train-images-idx3-ubyte.gz"), in.resolve("train-labels-idx1-ubyte.gz"));
        assertArrayEquals(train.classCounts(), longs(m.at("/splits/train/classCounts")));
        assertEquals(30, m.at("/splits/test/count").asLong());
        assertEquals(784, m.at("/image/featureLength").asInt());
        Row r = PreparedDataset.load(spark, dir.resolve("out").toString()).split("train")
                .where("id = 77").first();
        assertEquals(train.labels[77], r.getInt(r.fieldIndex("label")));
        List<Float> f = r.getList(r.fieldIndex("features"));
        assertEquals(train.pixel(77, 0, 14, 9) / 255f, f.get(14 * 28 + 9));
    }

    @Test
    void opticalDigitsFileIsSplitByPositionAndScaledBy16() throws Exception {
        Path file = org.twintrain.dataprep.format.DigitsReader.writeEmbedded(dir.resolve("in/optdigits.csv.gz"));
        ObjectNode m = prep("--dataset", "digits", "--input", file.toString(), "--output", dir.resolve("out").toString(),
                "--partitions", "3");
        ImageSet all = org.twintrain.dataprep.format.DigitsReader.read(file);
        assertEquals(1437, m.at("/splits/train/count").asLong());
        assertEquals(360, m.at("/splits/test/count").asLong());
        assertEquals(64, m.at("/image/featureLength").asInt());
        assertEquals("pixel / 16", m.at("/image/featureScale").asText());
        PreparedDataset data = PreparedDataset.load(spark, dir.resolve("out").toString());
        // Test row 5 is line 1437 + 5 of the file; the split's ids start from 0.
        Row r = data.split("test").where("id = 5").first();
        assertEquals(all.labels[1437 + 5], r.getInt(r.fieldIndex("label")));
        List<Float> f = r.getList(r.fieldIndex("features"));
        assertEquals(all.pixel(1437 + 5, 0, 3, 4) / 16f, f.get(3 * 8 + 4));
        Row first = data.split("train").where("id = 0").first();
        assertEquals(5 / 16f, first.<Float>getList(first.fieldIndex("features")).get(2));
        double mean = m.at("/normalization/mean/0").asDouble();
        assertTrue(mean > 0.2 && mean < 0.4, "mean of pixel / 16 over the training rows: " + mean);

        // The UCI release's two files in a folder: *.tra is train, *.tes is test.
        Path folder = Files.createDirectories(dir.resolve("release"));
        List<String> lines;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
        }
        Files.write(folder.resolve("optdigits.tra"), lines.subList(0, 100));
        Files.write(folder.resolve("optdigits.tes"), lines.subList(100, 130));
        ObjectNode r2 = prep("--dataset", "digits", "--input", folder.toString(), "--output", dir.resolve("out2").toString());
        assertEquals(100, r2.at("/splits/train/count").asLong());
        assertEquals(30, r2.at("/splits/test/count").asLong());

        Files.writeString(folder.resolve("optdigits.tes"), lines.get(0) + "\n" + lines.get(1).replace(",", ";") + "\n");
        DataFormatException bad = assertThrows(DataFormatException.class, () -> prep("--dataset", "digits", "--input",
                folder.toString(), "--output", dir.resolve("out3").toString()));
        assertTrue(bad.getMessage().endsWith("optdigits.tes: 1 fields, expected 65 (64 pixels and the class) at line 2"),
                bad.getMessage());
    }

    @Test
    void parallelTextIdsVocabulariesAndBuckets() throws Exception {
        Path in = dir.resolve("in");
        Generators.parallelText(in, 400, 60, 600, 2);
        String out = dir.resolve("out").toString();
        ObjectNode m = prep("--dataset", "text", "--input", in.toString(), "--output", out, "--min-count", "3",
                "--bucket-width", "4");
        assertEquals(400, m.at("/splits/train/count").asLong());
        assertEquals(60, m.at("/splits/dev/count").asLong());
        PreparedDataset prepared = PreparedDataset.load(spark, out);
        Vocabulary src = prepared.sourceVocabulary();
        Vocabulary tgt = prepared.targetVocabulary();
        assertEquals(m.at("/vocabulary/sourceSize").asInt(), src.size());
        assertEquals("<pad>", src.token(0));

        ParallelTextReader.ParallelText text = ParallelTextReader.read(in.resolve("train.en"), in.resolve("train.fr"));
        long bucketSum = 0;
        for (JsonNode b : m.at("/splits/train/bucketCounts")) {
            bucketSum += b.asLong();
        }
        assertEquals(400, bucketSum);
        for (Row r : prepared.split("train").where("id < 20").collectAsList()) {
            int id = (int) r.getLong(r.fieldIndex("id"));
            List<Integer> s = r.getList(r.fieldIndex("src_ids"));
            List<Integer> t = r.getList(r.fieldIndex("tgt_ids"));
            List<String> srcTokens = Tokenizer.tokenize(text.source().get(id));
            List<String> tgtTokens = Tokenizer.tokenize(text.target().get(id));
            assertEquals(srcTokens.size() + 1, s.size());
            assertEquals(Vocabulary.EOS_ID, s.get(s.size() - 1));
            assertEquals(Vocabulary.BOS_ID, t.get(0));
            assertEquals(Vocabulary.EOS_ID, t.get(t.size() - 1));
            for (int w = 0; w < srcTokens.size(); w++) {
                assertEquals(src.id(srcTokens.get(w)), s.get(w));
                assertEquals(tgt.id(tgtTokens.get(w)), t.get(w + 1));
            }
            assertEquals(s.size(), r.getInt(r.fieldIndex("src_len")));
            assertEquals(t.size(), r.getInt(r.fieldIndex("tgt_len")));
            assertEquals((Math.max(s.size(), t.size()) - 1) / 4, r.getInt(r.fieldIndex("bucket")));
        }
        // The vocabulary is exactly the specials plus the training tokens seen at least 3 times.
        java.util.Map<String, Long> counts = Vocabulary.count(text.source().stream().map(Tokenizer::tokenize).toList());
        long kept = counts.values().stream().filter(c -> c >= 3).count();
        assertTrue(kept < counts.size(), "the cut-off should drop some tokens");
        assertEquals(4 + kept, src.size());
        assertTrue(m.at("/splits/dev/sourceUnkRate").asDouble() > 0);
    }

    @Test
    void existingCompleteOutputIsRefusedUnlessOverwrite() throws Exception {
        Path in = dir.resolve("in");
        Generators.mnist(in, 20, 10, 1);
        String out = dir.resolve("out").toString();
        prep("--dataset", "mnist", "--input", in.toString(), "--output", out);
        IOException e = assertThrows(IOException.class,
                () -> prep("--dataset", "mnist", "--input", in.toString(), "--output", out));
        assertTrue(e.getMessage().contains("already a complete prepared set"), e.getMessage());
        Generators.mnist(in, 30, 10, 1);
        ObjectNode m = prep("--dataset", "mnist", "--input", in.toString(), "--output", out, "--overwrite");
        assertEquals(30, m.at("/splits/train/count").asLong());
        assertEquals(30, PreparedDataset.load(spark, out).split("train").count());
        assertEquals(List.of("in", "out"), siblings());
    }

    @Test
    void failureMidwayLeavesNoCompleteLookingOutput() throws Exception {
        Path in = dir.resolve("in");
        Generators.cifar10(in, 2, 30, 20, 4, false);
        // The last record of the test batch gets a bad label: found by a Spark task, after others succeeded.
        Path test = in.resolve("test_batch.bin");
        byte[] bytes = Files.readAllBytes(test);
        bytes[19 * 3073] = 12;
        Files.write(test, bytes);
        String out = dir.resolve("out").toString();
        Exception e = assertThrows(Exception.class,
                () -> prep("--dataset", "cifar10", "--input", in.toString(), "--output", out, "--partitions", "4"));
        DataFormatException bad = PrepJob.dataError(e);
        assertNotNull(bad, e.toString());
        assertTrue(bad.getMessage().contains("test_batch.bin: label out of range 0..9 at byte offset " + 19 * 3073),
                bad.getMessage());
        assertFalse(Files.exists(Path.of(out)));
        assertEquals(List.of("in"), siblings());
        assertThrows(DataFormatException.class, () -> PreparedDataset.load(spark, out));
    }

    @Test
    void truncatedInputIsRefusedBeforeWriting() throws Exception {
        Path in = dir.resolve("in");
        Generators.cifar10(in, 1, 10, 5, 4, false);
        Path batch = in.resolve("data_batch_1.bin");
        Files.write(batch, java.util.Arrays.copyOf(Files.readAllBytes(batch), 3 * 3073 + 7));
        DataFormatException e = assertThrows(DataFormatException.class, () -> prep("--dataset", "cifar10",
                "--input", in.toString(), "--output", dir.resolve("out").toString()));
        assertTrue(e.getMessage().endsWith("data_batch_1.bin: truncated record (7 of 3073 bytes) at byte offset 9219"),
                e.getMessage());
        assertEquals(List.of("in"), siblings());
    }

    @Test
    void driverSideChecksNameTheFile() throws Exception {
        Path missing = dir.resolve("nowhere");
        DataFormatException e1 = assertThrows(DataFormatException.class, () -> prep("--dataset", "mnist",
                "--input", missing.toString(), "--output", dir.resolve("out").toString()));
        assertEquals(missing + ": no such file or folder", e1.getMessage());

        Path in = dir.resolve("in");
        Generators.mnist(in, 20, 10, 1);
        Path labels = in.resolve("t10k-labels-idx1-ubyte.gz");
        Files.write(labels, org.twintrain.dataprep.generate.FormatWriters.gzip(
                org.twintrain.dataprep.generate.FormatWriters.idxLabelsBytes(new int[9])));
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> prep("--dataset", "mnist",
                "--input", in.toString(), "--output", dir.resolve("out").toString()));
        assertTrue(e2.getMessage().startsWith("image/label count mismatch: "), e2.getMessage());
        assertTrue(e2.getMessage().endsWith("t10k-labels-idx1-ubyte.gz has 9 labels"), e2.getMessage());

        Path text = dir.resolve("text");
        Generators.parallelText(text, 30, 5, 20, 1);
        Files.writeString(text.resolve("dev.fr"), "une ligne\n");
        DataFormatException e3 = assertThrows(DataFormatException.class, () -> prep("--dataset", "text",
                "--input", text.toString(), "--output", dir.resolve("out").toString()));
        assertTrue(e3.getMessage().contains("dev.en: files have different line counts"), e3.getMessage());
        assertTrue(e3.getMessage().endsWith("at line 2"), e3.getMessage());
        assertEquals(List.of("in", "text"), siblings());
    }

    @Test
    void readerRefusesOtherFormatVersionsAndIncompleteSets() throws Exception {
        Path fake = dir.resolve("fake");
        Files.createDirectories(fake);
        Files.writeString(fake.resolve("manifest.json"), "{\"formatVersion\": 99}");
        DataFormatException e1 = assertThrows(DataFormatException.class,
                () -> PreparedDataset.load(spark, fake.toString()));
        assertTrue(e1.getMessage().contains("not a complete prepared set"), e1.getMessage());
        Files.writeString(fake.resolve(AtomicOutput.COMPLETE), "x");
        DataFormatException e2 = assertThrows(DataFormatException.class,
                () -> PreparedDataset.load(spark, fake.toString()));
        assertTrue(e2.getMessage().endsWith("format version 99, this reader supports 1"), e2.getMessage());
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
