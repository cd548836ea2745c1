package org.twintrain.dataprep.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.twintrain.dataprep.format.LabelKind;

class PrepOptionsTest {
    @Test
    void defaultsAndFlags() {
        PrepOptions o = PrepOptions.parse("--dataset", "text", "--input", "in", "--output", "out");
        assertEquals(0, o.vocabSize());
        assertEquals(2, o.minCount());
        assertEquals("en", o.srcLang());
        assertEquals("fr", o.tgtLang());
        assertEquals(10, o.bucketWidth());
        assertFalse(o.overwrite());
        PrepOptions sized = PrepOptions.parse("--dataset", "text", "--input", "in", "--output", "out",
                "--vocab-size", "8000", "--overwrite");
        assertEquals(8000, sized.vocabSize());
        assertEquals(1, sized.minCount(), "a size cut-off alone keeps every token up to the size");
        assertTrue(sized.overwrite());
        assertEquals(LabelKind.COARSE, PrepOptions.parse("--dataset", "cifar100", "--input", "i", "--output", "o",
                "--labels", "coarse").labels());
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PrepOptions.parse("--dataset", "svhn", "--input", "i",
                "--output", "o"));
        assertThrows(IllegalArgumentException.class, () -> PrepOptions.parse("--dataset", "cifar10", "--input", "i"));
        assertThrows(IllegalArgumentException.class, () -> PrepOptions.parse("--dataset", "cifar10", "--input", "i",
                "--output", "o", "--labels", "coarse"));
        assertThrows(IllegalArgumentException.class, () -> PrepOptions.parse("--dataset", "text", "--input", "i",
                "--output", "o", "--vocab-size", "3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrepOptions.parse(
                "--dataset", "text", "--input", "i", "--output", "o", "--vocab", "3"));
        assertEquals("unknown options [vocab]", e.getMessage());
    }
}
