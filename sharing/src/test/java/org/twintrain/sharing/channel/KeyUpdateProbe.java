package org.twintrain.sharing.channel;

import java.security.Security;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.twintrain.sharing.testing.LoopbackTls;

/**
 * Exercises TLS 1.3 key updates under concurrent reads and writes (the failure of docs/faults.md, fixed). It needs
 * a lowered {@code jdk.tls.keyLimits}, a JVM-wide security property, so {@link TlsKeyUpdateTest} runs it in a
 * forked JVM. Two parties over {@link LoopbackTls#pair()} exchange {@code words} longs {@code rounds} times, then
 * party 0 sends {@code rounds} frames and party 1 answers with one; prints the key limit in effect, then "ok" or
 * the failure, and exits 0 or 1.
 * <pre>
 * echo "jdk.tls.keyLimits=AES/GCM/NoPadding KeyUpdate 2^22" &gt; /tmp/sec.properties
 * java -cp sharing/target/classes:sharing/target/test-classes:$(cat spark-jobs/target/classpath.txt) \
 *   -Djava.security.properties=/tmp/sec.properties org.twintrain.sharing.channel.KeyUpdateProbe 131072 300
 * </pre>
 */
public final class KeyUpdateProbe {
    private KeyUpdateProbe() {
    }

    public static void main(String[] args) throws Exception {
        int words = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        System.out.println("key limit: " + Security.getProperty("jdk.tls.keyLimits"));
        Channel[] c = LoopbackTls.pair();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] parties = new Future<?>[2];
            for (int p = 0; p < 2; p++) {
                int party = p;
                parties[p] = pool.submit(() -> {
                    long[] mine = new long[words];
                    for (int r = 0; r < rounds; r++) {
                        mine[0] = r;
                        if (c[party].exchange(mine)[0] != r) {
                            throw new IllegalStateException("round " + r + " received another round's data");
                        }
                    }
                    // One way, then one frame back: the receiver's replies to key-update requests wait for it to send.
                    for (int r = 0; r < rounds; r++) {
                        if (party == 0) {
                            mine[0] = r;
                            c[0].send(mine);
                        } else if (c[1].receive(words)[0] != r) {
                            throw new IllegalStateException("one-way frame " + r + " carried another frame's data");
                        }
                    }
                    if (party == 1) {
                        mine[0] = -1;
                        c[1].send(mine);
                    } else if (c[0].receive(words)[0] != -1) {
                        throw new IllegalStateException("the frame back carried other data");
                    }
                    return null;
                });
            }
            for (Future<?> f : parties) {
                f.get();
            }
            System.out.println("ok: " + rounds + " exchanges of " + 8L * words + " bytes each way, then " + rounds
                    + " frames one way and one back");
        } catch (Exception e) {
            System.out.println("failed: " + e.getCause());
            System.exit(1);
        } finally {
            pool.shutdownNow();
            c[0].close();
            c[1].close();
        }
        System.exit(0);
    }
}
