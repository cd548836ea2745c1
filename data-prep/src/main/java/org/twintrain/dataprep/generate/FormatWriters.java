package org.twintrain.dataprep.generate;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.IdxHeader;
import org.twintrain.dataprep.format.ImageSet;

/** Writers of the release formats: the inverse of the readers in {@code format}. */
public final class FormatWriters {
    private FormatWriters() {
    }

    /**
     * CIFAR batch bytes. For CIFAR-100, {@code coarse} gives the coarse label of each image (its fine label is in
     * {@code images.labels}); for CIFAR-10 it is ignored.
     */
    public static byte[] cifarBytes(ImageSet images, CifarVariant variant, int[] coarse) {
        int size = images.imageSize();
        if (size != CifarVariant.PIXELS) {
            throw new IllegalArgumentException("CIFAR images are 3x32x32");
        }
        byte[] out = new byte[images.count * variant.recordSize()];
        int at = 0;
        for (int i = 0; i < images.count; i++) {
            if (variant == CifarVariant.CIFAR100) {
                out[at++] = (byte) coarse[i];
            }
            out[at++] = (byte) images.labels[i];
            System.arraycopy(images.pixels, i * size, out, at, size);
            at += size;
        }
        return out;
    }

    /** IDX images file bytes (magic 2051), one channel. */
    public static byte[] idxImagesBytes(ImageSet images) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxHeader.IMAGES_MAGIC);
            out.writeInt(images.count);
            out.writeInt(images.height);
            out.writeInt(images.width);
            out.write(images.pixels);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** IDX labels file bytes (magic 2049). */
    public static byte[] idxLabelsBytes(int[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxHeader.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.writeByte(label);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Gzip-compresses bytes. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Lines joined with LF, one after each line, as UTF-8 bytes. */
    public static byte[] lines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a {@code .tar.gz} with the given entries (name -> bytes) in iteration order. */
    public static void writeTarGz(Path tarball, Map<String, byte[]> entries) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tarball));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
    }
}
