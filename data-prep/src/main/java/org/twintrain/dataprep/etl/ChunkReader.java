package org.twintrain.dataprep.etl;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.twintrain.dataprep.format.CifarRecordStream;
import org.twintrain.dataprep.format.CifarVariant;
import org.twintrain.dataprep.format.DataFormatException;
import org.twintrain.dataprep.format.DigitsReader;
import org.twintrain.dataprep.format.ImageSet;
import org.twintrain.dataprep.format.IdxHeader;
import org.twintrain.dataprep.format.InputStreams;
import org.twintrain.dataprep.format.LabelKind;
import org.twintrain.dataprep.format.MnistReader;

/**
 * Decodes the records of one {@link ImageChunk} inside a Spark task, through the Hadoop file system and the
 * Spark-free decoders of {@code format}. The pixel array handed out is reused: consume it before the next call.
 */
final class ChunkReader implements Iterator<ChunkReader.Image>, Closeable {
    /** One decoded record; {@code pixels} is CHW unsigned bytes. */
    record Image(long id, int label, byte[] pixels) {
    }

    private final ImageChunk chunk;
    private final byte[] pixels;
    private final InputStream in;
    private CifarRecordStream cifar;
    private int[] labels;
    private ImageSet digits;
    private int done;
    private Image next;

    ChunkReader(ImageChunk chunk, HadoopConf conf, CifarVariant variant, LabelKind kind, int imageSize)
            throws IOException {
        this.chunk = chunk;
        this.pixels = new byte[imageSize];
        FileSystem fs = conf.fs(chunk.path());
        switch (chunk.kind()) {
            case CIFAR_BIN -> {
                FSDataInputStream raw = fs.open(new Path(chunk.path()));
                long offset = chunk.firstRecord() * variant.recordSize();
                raw.seek(offset);
                in = new BufferedInputStream(raw, 1 << 16);
                cifar = new CifarRecordStream(in, chunk.path(), offset, variant, kind);
            }
            case CIFAR_TAR_ENTRY -> {
                TarArchiveInputStream tar = new TarArchiveInputStream(
                        new GZIPInputStream(fs.open(new Path(chunk.path())), 1 << 16));
                in = tar;
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null && !entry.getName().equals(chunk.entry())) {
                    // skip to the chunk's entry
                }
                if (entry == null) {
                    throw DataFormatException.of(chunk.path(), "tar entry " + chunk.entry() + " disappeared");
                }
                cifar = new CifarRecordStream(tar, chunk.path() + "!" + chunk.entry(), 0, variant, kind);
            }
            case IDX -> {
                in = InputStreams.maybeGunzip(fs.open(new Path(chunk.path())), chunk.path());
                IdxHeader header = IdxHeader.read(in, chunk.path(), IdxHeader.IMAGES_MAGIC);
                InputStreams.skipFully(in, chunk.firstRecord() * header.recordSize(), chunk.path(), header.size());
                labels = readLabels(fs, chunk);
            }
            case DIGITS_CSV -> {
                in = fs.open(new Path(chunk.path()));
                digits = DigitsReader.read(in, chunk.path());
                if (digits.count < chunk.firstRecord() + chunk.count()) {
                    throw DataFormatException.of(chunk.path(), "has " + digits.count + " records, fewer than when"
                            + " the job was planned");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private static int[] readLabels(FileSystem fs, ImageChunk chunk) throws IOException {
        String path = chunk.labelsPath();
        try (InputStream in = InputStreams.maybeGunzip(fs.open(new Path(path)), path)) {
            IdxHeader header = IdxHeader.read(in, path, IdxHeader.LABELS_MAGIC);
            InputStreams.skipFully(in, chunk.firstRecord(), path, header.size());
            byte[] bytes = new byte[chunk.count()];
            if (InputStreams.readFully(in, bytes, 0, bytes.length) < bytes.length) {
                throw DataFormatException.atByte(path, header.size() + chunk.firstRecord(), "truncated IDX data");
            }
            int[] out = new int[bytes.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[i] & 0xFF;
            }
            MnistReader.checkLabels(out, path, chunk.firstRecord());
            return out;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && done < chunk.count()) {
            try {
                next = read();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        if (next == null) {
            close();
        }
        return next != null;
    }

    @Override
    public Image next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Image out = next;
        next = null;
        return out;
    }

    private Image read() throws IOException {
        int label;
        if (digits != null) {
            int at = (int) chunk.firstRecord() + done;
            System.arraycopy(digits.pixels, at * pixels.length, pixels, 0, pixels.length);
            label = digits.labels[at];
        } else if (cifar != null) {
            label = cifar.next(pixels, 0);
            if (label < 0) {
                throw DataFormatException.atByte(chunk.path(), cifar.offset(), "unexpected end of file");
            }
        } else {
            if (InputStreams.readFully(in, pixels, 0, pixels.length) < pixels.length) {
                throw DataFormatException.of(chunk.path(), "truncated IDX data in record "
                        + (chunk.firstRecord() + done));
            }
            label = labels[done];
        }
        long id = chunk.firstId() + done;
        done++;
        return new Image(id, label, pixels);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // reading is over; a failed close loses nothing
        }
    }
}
