package org.twintrain.sharing.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Function;
import org.twintrain.sharing.arith.TwoPartyRunner;
import org.twintrain.sharing.ring.FixedPoint;
import org.twintrain.sharing.ring.LongMatrix;

/** Runs a protocol body as both parties and shares and reconstructs test inputs. */
final class Parties {
    static final byte[] DEALER_SEED = "protocol test dealer".getBytes(StandardCharsets.UTF_8);

    private Parties() {
    }

    /** The body once per party on two threads, each with its own context; f fractional bits (TRUNC pairs use f). */
    static <T> TwoPartyRunner.Result<T> run(int fractionalBits, Function<ProtocolContext, T> body) {
        return new TwoPartyRunner(new FixedPoint(fractionalBits), TruncationMode.WRAP_FREE, DEALER_SEED)
                .run(arith -> body.apply(arith.context()));
    }

    static <T> TwoPartyRunner.Result<T> run(Function<ProtocolContext, T> body) {
        return run(16, body);
    }

    /** A uniformly random additive sharing {x0, x1} of x. */
    static LongMatrix[] share(LongMatrix x, Random random) {
        long[] x0 = new long[x.size()], x1 = new long[x.size()];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = random.nextLong();
            x1[i] = x.data()[i] - x0[i];
        }
        return new LongMatrix[] {new LongMatrix(x.rows(), x.cols(), x0), new LongMatrix(x.rows(), x.cols(), x1)};
    }

    static LongMatrix reconstruct(TwoPartyRunner.Result<LongMatrix> r) {
        return r.party0().add(r.party1());
    }

    static long[] reconstructXor(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] ^ b[i];
        }
        return out;
    }

    /** Full-range random ring elements with the edges first: 0, +-1, the extremes. */
    static long[] ringValues(Random random, int n) {
        long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 1L << 62,
            -(1L << 62)};
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = i < edges.length ? edges[i] : random.nextLong();
        }
        return out;
    }
}
