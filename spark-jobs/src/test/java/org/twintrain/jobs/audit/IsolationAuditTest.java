package org.twintrain.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.twintrain.sharing.channel.PeerIdentity;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;
import org.twintrain.sharing.triples.Dealer;
import org.twintrain.sharing.triples.TripleFile;
import org.twintrain.sharing.triples.TriplePlan;
import org.twintrain.sharing.triples.TripleKey;
import org.twintrain.store.DataShareManifest;
import org.twintrain.store.DataShares;
import org.twintrain.store.Manifests;
import org.twintrain.store.SeedFile;
import org.twintrain.store.StoreLayout;
import org.twintrain.store.TensorFile;

/**
 * Isolation audit (issue #9): after a full secure run ({@link AuditRun}, in its own JVM with Spark event logging on
 * and its whole output, driver and task logs at INFO, captured to one file), nothing of one server's secrets is in
 * the other server's store, nothing secret is in any log or in the event log (which the Spark UI is rebuilt from,
 * so it stands for the UI, the job descriptions, the local properties, the configuration dump and the
 * accumulators), and nothing of the cleartext training data is anywhere but in the data owner's input.
 *
 * <p>Secrets, per server (read back from the stores after the run): its data shares of both data sets (server 0's
 * expanded from its seeds, server 1's read from its Parquet), its model shares of both runs, its triple halves of
 * the stored plan (server 0's expanded from its party-0 seed with {@link Dealer#expandParty0}, server 1's read from
 * its part files), its seeds (per-partition data seeds and the party-0 triple seed for server 0) and its TLS
 * private key (the scalar's bytes and the PEM text lines). Besides: the in-application dealer seed of run "dealer"
 * and the party-0 seed derived from it. Cleartext: the features of both data sets and their labels.
 *
 * <p>Encodings searched ({@link LeakScanner}): ring elements as 8 bytes big- and little-endian at every offset, as
 * decimal (signed and unsigned) and hex text, and decoded as fixed point in decimal text; only elements with |v| >=
 * 2^20 are searched (smaller ones would match counters and sizes by chance; uniformly random shares fall below
 * that with probability 2^-43, the test prints how many were skipped). Seeds and the private key: every 8
 * consecutive bytes, hex text, base64 and {@code Arrays.toString} text. Features: fixed-point encodings (8 bytes,
 * both orders, decimal and hex text), the double's 8 bytes, each pair of consecutive features of a row as two
 * floats (8 bytes, both orders: a single float's 4 bytes would match random bytes by chance), and decimal text
 * with 7 or more significant digits (the features have magnitude 256..1024, so every encoding is >= 2^24).
 * Labels (0..9, too little entropy one by one): the label vector of the first 64 rows, in the data owner's order
 * and in the order the servers hold the rows, as consecutive bytes, ints, longs, floats and fixed-point longs (both
 * orders), as a run of printed one-digit numbers with any short separators, and as one digit string; a single
 * label, or a short run of labels, cannot be recognized.
 *
 * <p>Scanned: every file of both stores as stored, and the decoded values of every Parquet file in them (read with
 * parquet-hadoop, so page compression does not hide anything); the run's log file (root logger at INFO, TwinTrain at
 * DEBUG); the event log (written uncompressed); the revealed model (metadata JSON with the Params, and decoded data).
 * Not scanned: Spark's temporary block-manager folders (shuffle and spill files, deleted when the application
 * stops), the JVM's memory and task closures, log lines Spark writes only at DEBUG, and what crosses the peer
 * channel (masked openings, encrypted by TLS).
 *
 * <p>Each area's test also plants a real secret in a temporary file and checks that the same scanner finds it, so
 * an empty result means the scan works, not that it looked at nothing.
 */
class IsolationAuditTest {
    private static final int LABEL_WINDOW = 64;

    @TempDir
    static Path work;
    private static String runLog;
    private static FixedPoint codec;

    @BeforeAll
    static void runTheSystem() throws Exception {
        Path eventLog = Files.createDirectories(work.resolve("eventlog"));
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path log4j = work.resolve("log4j2-audit.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.stderr.ref = console",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p [%t] %c: %m%n",
                "logger.twintrain.name = org.twintrain",
                "logger.twintrain.level = debug", ""));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmFlags());
        cmd.addAll(List.of(
                "-Dlog4j2.configurationFile=" + log4j,
                "-Dspark.eventLog.enabled=true",
                "-Dspark.eventLog.dir=" + eventLog.toUri(),
                "-Dspark.eventLog.compress=false",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                AuditRun.class.getName(), work.toString()));
        Path logFile = logs.resolve("audit-run.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile())
                .directory(work.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the audited run did not finish in 180 s; its log is " + logFile);
        }
        runLog = Files.readString(logFile, StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), () -> "the audited run failed; log tail:\n"
                + runLog.substring(Math.max(0, runLog.length() - 6000)));
        codec = new FixedPoint(AuditRun.conf().getInt("ring.fractionalBits"));
    }

    @Test
    void theRunLogsTaskLinesAndTheEventLogCoversJobsTasksAndConfiguration() throws IOException {
        // The task-side INFO lines of both servers (engine progress, TLS channel) are in the captured log.
        for (String line : List.of("server 0: step 4/4", "server 1: step 4/4", "Channel to peer")) {
            assertTrue(runLog.contains(line), "the captured log lacks '" + line + "'");
        }
        // Spark 4 writes rolling event logs: a folder per application with events_N_APP files.
        List<Path> files;
        try (Stream<Path> walk = Files.walk(work.resolve("eventlog"))) {
            files = walk.filter(f -> f.getFileName().toString().startsWith("events_")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no event log was written");
        StringBuilder all = new StringBuilder();
        for (Path f : files) {
            assertFalse(f.getFileName().toString().matches(".*\\.(lz4|lzf|snappy|zstd|inprogress)$"),
                    "the event log must be complete and uncompressed: " + f);
            all.append(Files.readString(f, StandardCharsets.UTF_8));
        }
        String events = all.toString();
        for (String s : List.of("SparkListenerEnvironmentUpdate", "SparkListenerJobStart", "SparkListenerTaskEnd",
                "SparkListenerSQLExecutionStart", "spark.job.description", "secure train run-dealer",
                "secure train run-stored", "\"Accumulables\"")) {
            assertTrue(events.contains(s), "the event log lacks " + s);
        }
    }

    @Test
    void store1HoldsNothingOfServer0() throws IOException {
        LeakScanner server0 = server0Secrets();
        long before = server0.scannedBytes();
        List<LeakScanner.Finding> found = scanStore(server0, work.resolve("store1"));
        report("server 0's secrets in store 1", server0, server0.scannedBytes() - before);
        assertEquals(List.of(), found);

        long share = firstServer0Share();
        assertPlantedFound(server0, ByteBuffer.allocate(8).putLong(Long.reverseBytes(share)).array(), "8 bytes little-endian");
        assertPlantedFound(server0, ("x=" + Long.toHexString(share)).getBytes(StandardCharsets.UTF_8), "hex text");
    }

    @Test
    void store0HoldsNothingOfServer1() throws IOException {
        LeakScanner server1 = server1Secrets();
        long before = server1.scannedBytes();
        List<LeakScanner.Finding> found = scanStore(server1, work.resolve("store0"));
        report("server 1's secrets in store 0", server1, server1.scannedBytes() - before);
        assertEquals(List.of(), found);

        long share = server1Shares("train")[0];
        assertPlantedFound(server1, ByteBuffer.allocate(8).putLong(share).array(), "8 bytes big-endian");
        assertPlantedFound(server1, ("[" + Long.toUnsignedString(share) + "]").getBytes(StandardCharsets.UTF_8),
                "decimal text");
    }

    @Test
    void logsAndEventLogHoldNoShareSeedOrKeyOfEitherServer() throws IOException {
        List<LeakScanner.Finding> found = new ArrayList<>();
        for (int party = 0; party < 2; party++) {
            LeakScanner server = party == 0 ? server0Secrets() : server1Secrets();
            long before = server.scannedBytes();
            found.addAll(server.scanTree(work.resolve("logs"), work.resolve("eventlog")));
            report("server " + party + "'s secrets in the log and the event log", server, server.scannedBytes() - before);
        }
        assertEquals(List.of(), found);

        byte[] seed = Files.readAllBytes(work.resolve("auditor/dealer-seed.bin"));
        assertPlantedFound(server1Secrets(), ("seed " + Base64.getEncoder().encodeToString(seed))
                .getBytes(StandardCharsets.UTF_8), "byte string");
        assertPlantedFound(server0Secrets(), ("\"value\":\"" + codec.decode(firstServer0Share()) + "\"")
                .getBytes(StandardCharsets.UTF_8), "decimal text");
    }

    @Test
    void noStoreLogEventLogOrRevealedModelHoldsTheCleartextData() throws IOException {
        LeakScanner clear = new LeakScanner();
        float[][] train = AuditRun.features(AuditRun.TRAIN_ROWS, AuditRun.TRAIN_SEED);
        float[][] test = AuditRun.features(AuditRun.TEST_ROWS, AuditRun.TEST_SEED);
        addFeatures(clear, "train", train);
        addFeatures(clear, "test", test);
        int[] trainLabels = AuditRun.labels(train);
        int[] testLabels = AuditRun.labels(test);
        addLabels(clear, "train labels (data owner's order)", Arrays.copyOf(trainLabels, LABEL_WINDOW));
        addLabels(clear, "test labels (data owner's order)", Arrays.copyOf(testLabels, LABEL_WINDOW));
        addLabels(clear, "train labels (servers' order)", serverOrder(trainLabels, "train"));
        addLabels(clear, "test labels (servers' order)", serverOrder(testLabels, "test"));

        List<LeakScanner.Finding> found = new ArrayList<>();
        found.addAll(scanStore(clear, work.resolve("store0")));
        found.addAll(scanStore(clear, work.resolve("store1")));
        found.addAll(scanStore(clear, work.resolve("owner/model")));
        found.addAll(clear.scanTree(work.resolve("logs"), work.resolve("eventlog")));
        report("cleartext data in the stores, logs, event log and revealed model", clear, clear.scannedBytes());
        assertEquals(List.of(), found);

        // The data owner's input holds the cleartext: decoded, the scanner finds it.
        assertFalse(scanParquet(clear, work.resolve("owner/train")).isEmpty(), "the scan misses the cleartext input");
        assertPlantedFound(clear, ("x: " + train[3][5] + " ").getBytes(StandardCharsets.UTF_8), "decimal text");
        assertPlantedFound(clear, ByteBuffer.allocate(8).putFloat(train[5][2]).putFloat(train[5][3]).array(), "bytes");
        assertPlantedFound(clear, ByteBuffer.allocate(8).putLong(Long.reverseBytes(codec.encode(test[7][1]))).array(),
                "8 bytes little-endian");
        assertPlantedFound(clear, Arrays.toString(Arrays.copyOf(trainLabels, LABEL_WINDOW))
                .getBytes(StandardCharsets.UTF_8), "printed digit sequence");
    }

    @Test
    void plantedSecretsAreFoundInEveryEncodingAndRandomBytesGiveNothing() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        long v = rnd.nextLong() | (1L << 40);
        long small = 123_456;
        byte[] seed = new byte[32];
        new java.util.Random(9).nextBytes(seed);
        float x = 23.456789f;
        int[] labels = rnd.ints(LABEL_WINDOW, 0, 10).toArray();
        LeakScanner s = new LeakScanner().addRing("share", v).addRing("small", small).addSecretBytes("seed", seed)
                .addDecimal("feature", x);
        addLabels(s, "labels", labels);
        assertEquals(1, s.skipped(), "|v| < 2^20 is skipped");

        byte[] noise = new byte[1 << 16];
        new java.util.Random(3).nextBytes(noise);
        assertEquals(List.of(), s.scan("noise", noise));

        Map<String, String> planted = new java.util.LinkedHashMap<>();
        planted.put("8 bytes big-endian", new String(ByteBuffer.allocate(8).putLong(v).array(), StandardCharsets.ISO_8859_1));
        planted.put("8 bytes little-endian", new String(ByteBuffer.allocate(8).putLong(Long.reverseBytes(v)).array(),
                StandardCharsets.ISO_8859_1));
        planted.put("decimal text", "value=" + v + ";");
        planted.put("decimal text ", "u=" + Long.toUnsignedString(v));
        planted.put("hex text", "0x" + Long.toHexString(v).toUpperCase());
        planted.put("hex text ", "{\"h\":\"" + String.format("%016x", v) + "\"}");
        planted.put("bytes", "k=" + new String(seed, StandardCharsets.ISO_8859_1));
        planted.put("hex text  ", java.util.HexFormat.of().formatHex(seed));
        ByteBuffer ints = ByteBuffer.allocate(4 * labels.length);
        Arrays.stream(labels).forEach(ints::putInt);
        planted.put("byte string", new String(ints.array(), StandardCharsets.ISO_8859_1));
        planted.put("decimal text '" + x + "'", "loss " + x + " at");
        planted.put("decimal text '" + (double) x + "'", "w=" + (double) x);
        planted.put("decimal text '" + String.format("%.5f", x) + "'", String.format("%.5f", x));
        planted.put("printed digit sequence", "labels: " + Arrays.toString(labels));
        planted.forEach((encoding, text) -> {
            byte[] file = new byte[noise.length + text.length()];
            System.arraycopy(noise, 0, file, 0, 1000);
            System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, file, 1000, text.length());
            System.arraycopy(noise, 1000, file, 1000 + text.length(), noise.length - 1000);
            List<LeakScanner.Finding> found = s.scan("planted", file);
            assertFalse(found.isEmpty(), "not found: " + encoding);
            assertTrue(found.stream().anyMatch(f -> f.encoding().equals(encoding.trim())), encoding + ": " + found);
        });
        // The small value is not searched, so a file made of it has no finding.
        assertEquals(List.of(), s.scan("small", "n=" + small));
    }

    // ---- the secrets -------------------------------------------------------------------------------------------

    private static LeakScanner server0Secrets;
    private static LeakScanner server1Secrets;

    /** Server 0's secrets and the dealer's, built once for the tests that scan for them. */
    private static synchronized LeakScanner server0Secrets() throws IOException {
        if (server0Secrets == null) {
            server0Secrets = new LeakScanner();
            addServer0(server0Secrets);
            addDealer(server0Secrets);
        }
        return server0Secrets;
    }

    private static synchronized LeakScanner server1Secrets() throws IOException {
        if (server1Secrets == null) {
            server1Secrets = new LeakScanner();
            addServer1(server1Secrets);
            addDealer(server1Secrets);
        }
        return server1Secrets;
    }

    private static void addServer0(LeakScanner s) throws IOException {
        Configuration hadoop = new Configuration();
        StoreLayout store = new StoreLayout(work.resolve("store0").toString());
        for (String name : List.of("train", "test")) {
            DataShareManifest m = Manifests.read(store.data(name), DataShareManifest.class, hadoop);
            byte[][] seeds = SeedFile.read(new org.apache.hadoop.fs.Path(store.data(name), "seeds.bin"), hadoop);
            for (int p = 0; p < seeds.length; p++) {
                DataShares.Half h = DataShares.expand(seeds[p], m.partitions().get(p), m.features(), m.classes());
                ring(s, "server 0's data share (" + name + ")", h.features().data());
                ring(s, "server 0's data share (" + name + " labels)", h.labels().data());
                seed(s, "server 0's data seed (" + name + " partition " + p + ")", seeds[p]);
            }
        }
        modelShares(s, "server 0", work.resolve("store0/model"));
        for (Path folder : subfolders(work.resolve("store0/triples"))) {
            byte[] file = Files.readAllBytes(folder.resolve(TripleFile.PARTY0_FILE));
            byte[] party0 = Arrays.copyOfRange(file, file.length - TripleFile.SEED_BYTES, file.length);
            seed(s, "server 0's party-0 triple seed", party0);
            TriplePlan plan;
            try (InputStream in = Files.newInputStream(folder.resolve(TripleFile.PLAN_FILE))) {
                plan = TriplePlan.read(in, folder.getFileName().toString());
            }
            for (int i = 0; i < plan.size(); i++) {
                for (long[] part : Dealer.expandParty0(party0, plan.key(i)).parts()) {
                    if (part != null) { // null: public correction words, held by both servers (Dealer.sharedParts)
                        s.addRing("server 0's triple half", part);
                    }
                }
            }
        }
        privateKey(s, "server 0's private key", 0);
    }

    private static void addServer1(LeakScanner s) throws IOException {
        for (String name : List.of("train", "test")) {
            ring(s, "server 1's data share (" + name + ")", server1Shares(name));
        }
        modelShares(s, "server 1", work.resolve("store1/model"));
        for (Path folder : subfolders(work.resolve("store1/triples"))) {
            TriplePlan plan;
            try (InputStream in = Files.newInputStream(folder.resolve(TripleFile.PLAN_FILE))) {
                plan = TriplePlan.read(in, folder.getFileName().toString());
            }
            for (Path part : files(folder)) {
                if (TripleFile.isPart(part.getFileName().toString())) {
                    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(part));
                    b.position(TripleFile.HEADER_BYTES);
                    while (b.hasRemaining()) {
                        TripleKey key = plan.key(b.getInt());
                        int words = b.getInt();
                        // The last sharedParts parts are public correction words that store 0 holds too.
                        long secret = words - TriplePlan.sharedWords(key);
                        for (int w = 0; w < words; w++) {
                            long word = b.getLong();
                            if (w < secret) {
                                s.addRing("server 1's triple half", word);
                            }
                        }
                    }
                }
            }
        }
        privateKey(s, "server 1's private key", 1);
    }

    /** The in-application dealer seed of run "dealer" (held by both tasks, written nowhere) and its party-0 seed. */
    private static void addDealer(LeakScanner s) throws IOException {
        byte[] dealerSeed = Files.readAllBytes(work.resolve("auditor/dealer-seed.bin"));
        assertEquals(32, dealerSeed.length);
        seed(s, "in-application dealer seed", dealerSeed);
        seed(s, "party-0 seed of the in-application dealer", new Dealer(dealerSeed, codec).party0Seed());
    }

    private static void ring(LeakScanner s, String name, long[] values) {
        s.addRing(name, values);
        for (long v : values) {
            if (Math.abs(v) >= LeakScanner.MIN_MAGNITUDE) {
                s.addDecimal(name + " decoded", codec.decode(v));
            }
        }
    }

    private static void seed(LeakScanner s, String name, byte[] seed) {
        s.addSecretBytes(name, seed);
        s.addText(name + " (base64)", Base64.getEncoder().encodeToString(seed));
        s.addText(name + " (Arrays.toString)", Arrays.toString(seed));
    }

    private static void privateKey(LeakScanner s, String name, int party) throws IOException {
        Path pem = work.resolve("keys/key" + party + ".pem");
        ECPrivateKey key = (ECPrivateKey) PeerIdentity.read(pem, work.resolve("keys/cert" + party + ".pem")).privateKey();
        byte[] scalar = key.getS().toByteArray();
        s.addSecretBytes(name + " (scalar)", scalar.length > 32 ? Arrays.copyOfRange(scalar, scalar.length - 32,
                scalar.length) : scalar);
        // The PEM body lines (the key is 65 bytes of PKCS#8: a 64-character line and a 28-character one).
        for (String line : Files.readAllLines(pem, StandardCharsets.US_ASCII)) {
            if (!line.startsWith("-----") && line.length() >= 16) {
                s.addText(name + " (PEM line)", line);
            }
        }
    }

    private static void modelShares(LeakScanner s, String server, Path models) throws IOException {
        for (Path run : subfolders(models)) {
            try (InputStream in = Files.newInputStream(run.resolve("share.bin"))) {
                for (Map.Entry<String, LongMatrix> e : TensorFile.read(in, run.toString()).entrySet()) {
                    ring(s, server + "'s model share (" + run.getFileName() + ")", e.getValue().data());
                }
            }
        }
    }

    private static long[] server1Shares(String name) throws IOException {
        List<Long> values = new ArrayList<>();
        for (Group r : ParquetValues.rowsUnder(work.resolve("store1/data/" + name + "/data"))) {
            values.addAll(ParquetValues.longs(r, "features"));
            values.addAll(ParquetValues.longs(r, "labels"));
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static long firstServer0Share() throws IOException {
        Configuration hadoop = new Configuration();
        StoreLayout store = new StoreLayout(work.resolve("store0").toString());
        byte[][] seeds = SeedFile.read(new org.apache.hadoop.fs.Path(store.data("train"), "seeds.bin"), hadoop);
        return DataShares.expand(seeds[0], 1, AuditRun.FEATURES, AuditRun.CLASSES).features().data()[0];
    }

    private static void addFeatures(LeakScanner s, String name, float[][] x) {
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                s.addRing("cleartext feature (" + name + ", fixed point)", codec.encode(row[j]));
                s.addRing("cleartext feature (" + name + ", double)", Double.doubleToLongBits(row[j]));
                s.addDecimal("cleartext feature (" + name + ")", row[j]);
                if (j + 1 < row.length) {
                    long a = Float.floatToIntBits(row[j]) & 0xffffffffL;
                    long b = Float.floatToIntBits(row[j + 1]) & 0xffffffffL;
                    s.addWord("cleartext feature pair (" + name + ", float big-endian)", a << 32 | b);
                    s.addWord("cleartext feature pair (" + name + ", float little-endian)",
                            (Integer.reverseBytes((int) a) & 0xffffffffL) << 32 | (Integer.reverseBytes((int) b) & 0xffffffffL));
                }
            }
        }
    }

    /** A label vector as bytes, ints, longs, floats and fixed-point longs in both orders, and as printed digits. */
    static void addLabels(LeakScanner s, String name, int[] labels) {
        s.addDigitSequence(name, labels);
        for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.BIG_ENDIAN, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            ByteBuffer bytes = ByteBuffer.allocate(labels.length);
            ByteBuffer ints = ByteBuffer.allocate(4 * labels.length).order(order);
            ByteBuffer longs = ByteBuffer.allocate(8 * labels.length).order(order);
            ByteBuffer floats = ByteBuffer.allocate(4 * labels.length).order(order);
            ByteBuffer fixed = ByteBuffer.allocate(8 * labels.length).order(order);
            for (int y : labels) {
                bytes.put((byte) y);
                ints.putInt(y);
                longs.putLong(y);
                floats.putFloat(y);
                fixed.putLong((long) y << 16);
            }
            String o = order == java.nio.ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian";
            if (order == java.nio.ByteOrder.BIG_ENDIAN) {
                s.addBytes(name + " (bytes)", bytes.array());
            }
            s.addBytes(name + " (int32 " + o + ")", ints.array());
            s.addBytes(name + " (int64 " + o + ")", longs.array());
            s.addBytes(name + " (float32 " + o + ")", floats.array());
            s.addBytes(name + " (fixed point " + o + ")", fixed.array());
        }
    }

    /** The labels of the first rows in the order server 1's half holds them (partition, position). */
    private static int[] serverOrder(int[] labels, String name) throws IOException {
        List<long[]> rows = new ArrayList<>(); // partition, position, row id
        for (Group r : ParquetValues.rowsUnder(work.resolve("store1/data/" + name + "/data"))) {
            rows.add(new long[] {r.getInteger("partition", 0), r.getInteger("position", 0), r.getLong("row_id", 0)});
        }
        rows.sort(java.util.Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        return rows.stream().limit(LABEL_WINDOW).mapToInt(r -> labels[(int) r[2]]).toArray();
    }

    // ---- scanning ----------------------------------------------------------------------------------------------

    /** Every file of a store as stored, and the decoded values of every Parquet file in it. */
    private static List<LeakScanner.Finding> scanStore(LeakScanner s, Path root) throws IOException {
        List<LeakScanner.Finding> found = new ArrayList<>(s.scanTree(root));
        found.addAll(scanParquet(s, root));
        return found;
    }

    private static List<LeakScanner.Finding> scanParquet(LeakScanner s, Path root) throws IOException {
        List<LeakScanner.Finding> found = new ArrayList<>();
        for (Path f : ParquetValues.parquetFiles(root)) {
            found.addAll(s.scan("decoded " + f, ParquetValues.decoded(f)));
        }
        return found;
    }

    /** The positive control: a real secret in a temporary file is found by the same scanner. */
    private static void assertPlantedFound(LeakScanner s, byte[] secret, String encoding) throws IOException {
        Path planted = Files.createTempFile(work, "planted", ".bin");
        byte[] file = new byte[secret.length + 200];
        Arrays.fill(file, (byte) ' ');
        System.arraycopy(secret, 0, file, 100, secret.length);
        Files.write(planted, file);
        try {
            List<LeakScanner.Finding> found = s.scanTree(planted);
            assertTrue(found.stream().anyMatch(f -> f.encoding().startsWith(encoding)),
                    "the scanner misses a planted secret (" + encoding + "): " + found);
        } finally {
            Files.delete(planted);
        }
    }

    private static void report(String what, LeakScanner s, long bytes) {
        long total = s.counts().values().stream().mapToLong(Integer::longValue).sum();
        System.out.println("isolation audit: " + what + ": " + total + " values searched, " + s.skipped()
                + " ring elements skipped (|v| < 2^20), " + bytes + " bytes scanned");
        s.counts().forEach((k, n) -> System.out.println("  " + n + "\t" + k));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<Path> subfolders(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .toList();
        }
    }

    private static List<String> jvmFlags() throws IOException {
        try (InputStream in = IsolationAuditTest.class.getResourceAsStream("/twintrain/jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("missing twintrain/jvm.flags on the classpath (broken build)");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"))
                    .filter(f -> !f.isEmpty()).toList();
        }
    }
}
