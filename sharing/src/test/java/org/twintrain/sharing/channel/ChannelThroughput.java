package org.twintrain.sharing.channel;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures loopback TLS exchange throughput (not a test): both parties exchange {@code words} longs at once,
 * {@code repetitions} times. Run from the module directory after {@code mvn -o -q -pl sharing test-compile}:
 * <pre>java -cp target/classes:target/test-classes:$(cat cp.txt) org.twintrain.sharing.channel.ChannelThroughput 10000000 5</pre>
 * where cp.txt comes from {@code mvn -o -q dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class ChannelThroughput {
    private ChannelThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int words = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long[] a = new SplittableRandom(1).longs(words).toArray();
        long[] b = new SplittableRandom(2).longs(words).toArray();
        ExecutorService partyOne = Executors.newSingleThreadExecutor();
        TlsChannel[] p = TlsPairs.open(ChannelConfig.defaults().withAllTimeouts(Duration.ofSeconds(60)), "throughput");
        try {
            for (int r = 0; r < repetitions; r++) {
                long cpu = processCpuNanos();
                long start = System.nanoTime();
                Future<long[]> atOne = partyOne.submit(() -> p[1].exchange(b));
                p[0].exchange(a);
                atOne.get();
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
                System.out.printf("exchange of %d words each way: %.3f s, %.0f MB/s per direction, %.3f s CPU%n", words,
                        seconds, 8.0 * words / 1e6 / seconds, cpuSeconds);
            }
        } finally {
            p[0].close();
            p[1].close();
            partyOne.shutdownNow();
        }
    }

    /** CPU time of the whole process (both parties, writers, GC): steadier than wall time on a loaded machine. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
