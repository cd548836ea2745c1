package org.twintrain.dataprep.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The row schemas of format version 1 are frozen in golden files (see src/test/resources/golden/README.md). */
class FormatGoldenTest {
    @Test
    void schemasMatchVersion1GoldenFiles() throws IOException {
        assertEquals(1, Manifest.FORMAT_VERSION);
        assertEquals(golden("image-schema-v1.json"), Manifest.JSON.readTree(ImageEtl.SCHEMA.json()));
        assertEquals(golden("text-schema-v1.json"), Manifest.JSON.readTree(TextEtl.SCHEMA.json()));
    }

    private static JsonNode golden(String name) throws IOException {
        try (InputStream in = FormatGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            return Manifest.JSON.readTree(in);
        }
    }
}
