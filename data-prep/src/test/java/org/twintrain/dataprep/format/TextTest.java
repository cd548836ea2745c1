package org.twintrain.dataprep.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.dataprep.generate.Generators;

class TextTest {
    @TempDir
    Path dir;

    @Test
    void tokenizerRules() {
        assertEquals(List.of("l", "'", "homme", ",", "3", ".", "5", "-", "ans", "!"),
                Tokenizer.tokenize("L'homme, 3.5-ans!"));
        assertEquals(List.of("a", "man", "in", "an", "orange", "hat", "."),
                Tokenizer.tokenize("  A man in an   orange hat. "));
        // NFC: a decomposed e + combining acute equals the composed letter; no-break space splits.
        assertEquals(List.of("café", "«", "été", "»"), Tokenizer.tokenize("Cafe\u0301\u00a0« ÉTÉ »"));
        assertEquals(List.of(), Tokenizer.tokenize("   "));
    }

    @Test
    void vocabularyOrderCutOffsAndIds() throws IOException {
        Map<String, Long> counts = new HashMap<>();
        counts.put("the", 10L);
        counts.put("a", 5L);
        counts.put("cat", 5L);
        counts.put("dog", 1L);
        Vocabulary all = Vocabulary.build(counts, 0, 1);
        assertEquals(List.of("<pad>", "<unk>", "<s>", "</s>", "the", "a", "cat", "dog"), all.tokens());
        assertEquals(List.of("<pad>", "<unk>", "<s>", "</s>", "the", "a"), Vocabulary.build(counts, 6, 1).tokens());
        assertEquals(7, Vocabulary.build(counts, 0, 2).size());
        assertArrayEquals(new int[] {2, 4, 1, 6, 3}, all.encode(List.of("the", "zebra", "cat"), true, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        all.write(out);
        assertEquals(all, Vocabulary.read(new ByteArrayInputStream(out.toByteArray()), "v"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Vocabulary.read(
                new ByteArrayInputStream("<pad>\n<s>\n".getBytes(StandardCharsets.UTF_8)), "vocab.txt"));
        assertEquals("vocab.txt: expected special token <unk> at line 2", e.getMessage());
    }

    @Test
    void generatedTextIsAlignedAndWordForWord() throws IOException {
        Generators.parallelText(dir, 300, 50, 200, 11);
        ParallelTextReader.ParallelText train = ParallelTextReader.read(dir.resolve("train.en"), dir.resolve("train.fr"));
        assertEquals(300, train.size());
        assertEquals(50, ParallelTextReader.read(dir.resolve("dev.en"), dir.resolve("dev.fr")).size());
        // The generator's word mapping is a bijection: each English token always meets the same French token.
        Map<String, String> mapping = new HashMap<>();
        Map<String, String> inverse = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            List<String> en = Tokenizer.tokenize(train.source().get(i));
            List<String> fr = Tokenizer.tokenize(train.target().get(i));
            assertEquals(en.size(), fr.size());
            for (int w = 0; w < en.size(); w++) {
                mapping.putIfAbsent(en.get(w), fr.get(w));
                inverse.putIfAbsent(fr.get(w), en.get(w));
                assertEquals(mapping.get(en.get(w)), fr.get(w));
                assertEquals(inverse.get(fr.get(w)), en.get(w));
            }
        }
        assertEquals(mapping.size(), inverse.size());
        assertNotEquals(0, mapping.size());
    }

    @Test
    void differentLineCountsNameFileAndLine() throws IOException {
        Path en = dir.resolve("train.en");
        Path fr = dir.resolve("train.fr");
        Files.writeString(en, "a\nb\nc\n");
        Files.writeString(fr, "x\ny\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelTextReader.read(en, fr));
        assertEquals(en + ": files have different line counts: " + fr + " ends after 2 lines but " + en
                + " goes on at line 3", e.getMessage());
    }

    @Test
    void emptyInvalidAndMissing() throws IOException {
        Path en = dir.resolve("train.en");
        Path fr = dir.resolve("train.fr");
        Files.writeString(en, "");
        Files.writeString(fr, "x\n");
        assertEquals(en + ": empty file",
                assertThrows(DataFormatException.class, () -> ParallelTextReader.read(en, fr)).getMessage());
        Files.write(en, new byte[] {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        Files.writeString(fr, "x\ny\n");
        assertEquals(en + ": invalid UTF-8 at line 2",
                assertThrows(DataFormatException.class, () -> ParallelTextReader.read(en, fr)).getMessage());
        Path missing = dir.resolve("missing.fr");
        assertEquals(missing + ": no such file",
                assertThrows(DataFormatException.class, () -> ParallelTextReader.read(en, missing)).getMessage());
    }
}
