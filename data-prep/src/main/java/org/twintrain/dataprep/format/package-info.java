/**
 * Spark-free readers of the release formats, usable from plain Java on local files or on any
 * {@link java.io.InputStream} (the Spark job feeds them Hadoop streams).
 *
 * <ul>
 *   <li>{@link org.twintrain.dataprep.format.CifarReader}: CIFAR-10 / CIFAR-100 binary records, from {@code .bin}
 *       files or the release tarball, with class names from the meta files when present.</li>
 *   <li>{@link org.twintrain.dataprep.format.IdxReader} and {@link org.twintrain.dataprep.format.MnistReader}:
 *       IDX files, gzipped or not (detected by the gzip magic bytes, not the file name).</li>
 *   <li>{@link org.twintrain.dataprep.format.DigitsReader}: the UCI optical digits (8x8, values 0..16, CSV), of
 *       which the 1,797-image test part is packed in the jar with its provenance and licence (CC BY 4.0).</li>
 *   <li>{@link org.twintrain.dataprep.format.ParallelTextReader}, {@link org.twintrain.dataprep.format.Tokenizer},
 *       {@link org.twintrain.dataprep.format.Vocabulary}: aligned one-sentence-a-line text.</li>
 * </ul>
 *
 * Images come back as an {@link org.twintrain.dataprep.format.ImageSet}: unsigned pixel bytes, CHW per image.
 * Every malformed input raises {@link org.twintrain.dataprep.format.DataFormatException} naming the file and the
 * byte offset (in the decompressed stream for gzip) or the line.
 */
package org.twintrain.dataprep.format;
