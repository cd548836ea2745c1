package org.twintrain.jobs.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet files with parquet-hadoop (no Spark session needed), so the audit sees the values that page
 * compression and encodings hide from a byte scan.
 */
final class ParquetValues {
    private ParquetValues() {
    }

    /** The rows of one Parquet file. */
    static List<Group> rows(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(file.toUri())).withConf(new Configuration()).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                rows.add(g);
            }
        }
        return rows;
    }

    /** The rows of every {@code .parquet} file under a folder, in file-name order. */
    static List<Group> rowsUnder(Path folder) throws IOException {
        List<Group> rows = new ArrayList<>();
        for (Path f : parquetFiles(folder)) {
            rows.addAll(rows(f));
        }
        return rows;
    }

    static List<Path> parquetFiles(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Every 64-bit integer under a field of a row (a number, or the elements of an array column). */
    static List<Long> longs(Group row, String field) {
        List<Long> out = new ArrayList<>();
        collectLongs(row, row.getType().getFieldIndex(field), out);
        return out;
    }

    private static void collectLongs(Group g, int field, List<Long> out) {
        Type t = g.getType().getType(field);
        for (int j = 0; j < g.getFieldRepetitionCount(field); j++) {
            if (t.isPrimitive()) {
                out.add(g.getLong(field, j));
            } else {
                Group child = g.getGroup(field, j);
                for (int f = 0; f < child.getType().getFieldCount(); f++) {
                    collectLongs(child, f, out);
                }
            }
        }
    }

    /**
     * A file's decoded contents for the scanner: per row, every number as its binary encoding (8 bytes for
     * longs and doubles, 4 for ints and floats, big-endian, in column order) and then the row as text.
     */
    static byte[] decoded(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Group row : rows(file)) {
            write(out, row);
            out.write(row.toString().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Group g) throws IOException {
        GroupType type = g.getType();
        for (int f = 0; f < type.getFieldCount(); f++) {
            Type t = type.getType(f);
            for (int j = 0; j < g.getFieldRepetitionCount(f); j++) {
                if (!t.isPrimitive()) {
                    write(out, g.getGroup(f, j));
                    continue;
                }
                switch (t.asPrimitiveType().getPrimitiveTypeName()) {
                    case INT64 -> out.writeLong(g.getLong(f, j));
                    case INT32 -> out.writeInt(g.getInteger(f, j));
                    case DOUBLE -> out.writeDouble(g.getDouble(f, j));
                    case FLOAT -> out.writeFloat(g.getFloat(f, j));
                    case BOOLEAN -> out.writeBoolean(g.getBoolean(f, j));
                    default -> out.write(g.getValueToString(f, j).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}
