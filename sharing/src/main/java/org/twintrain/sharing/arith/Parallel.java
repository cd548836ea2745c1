package org.twintrain.sharing.arith;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a loop over [0, n) over up to {@code threads} threads (the calling thread is one of them) when its
 * work (multiply-adds, or entries of an elementwise pass) passes {@link #PARALLEL_THRESHOLD} or {@link
 * #ELEMENTWISE_THRESHOLD}. The loop is cut into {@link #RANGES_PER_THREAD} contiguous ranges per thread,
 * which the threads claim one after the other: on a busy machine a thread the OS holds back delays one
 * small range, not half the loop. The ranges depend only on n, the work and threads (not on which thread
 * runs them), so results are reproducible bit for bit.
 */
final class Parallel {
    /** Multiply-adds above which a product is split over threads; below it the hand-off costs more. */
    static final long PARALLEL_THRESHOLD = 2_000_000L;

    /** Ranges per thread of a split loop (see the class comment). */
    static final int RANGES_PER_THREAD = 4;

    /** Entries of an elementwise loop above which it is split over threads (a pass of this size takes ~100 us). */
    static final long ELEMENTWISE_THRESHOLD = 1L << 17;

    /** Daemon threads shared by all instances, so that nothing needs closing. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "twintrain-arith");
        t.setDaemon(true);
        return t;
    });

    /** Body of a split loop: indices [from, to) as part number part. */
    interface RangeTask {
        void run(int part, int from, int to);
    }

    private final int threads;

    Parallel(int threads) {
        this.threads = threads;
    }

    /** Threads worth using: at most threads and n, about one per threshold's worth of work. */
    private int threadsFor(int n, long thresholds) {
        return (int) Math.max(1, Math.min(threads, Math.min(n, thresholds + 1)));
    }

    private static int ranges(int n, int threadsUsed) {
        return threadsUsed <= 1 ? 1 : Math.min(n, threadsUsed * RANGES_PER_THREAD);
    }

    /**
     * As {@link #forRanges} but one range per thread, as matrix products were always split (dgemm is
     * fastest on the largest blocks; the benchmarks' reference dgemm rate goes through it).
     */
    void forThreadParts(int n, long work, RangeTask task) {
        int used = threadsFor(n, work / PARALLEL_THRESHOLD);
        run(n, used, used, task);
    }

    /** The number of ranges (part numbers 0..) {@link #forRanges} cuts this loop into. */
    int parts(int n, long work) {
        return ranges(n, threadsFor(n, work / PARALLEL_THRESHOLD));
    }

    /** The number of ranges of an elementwise loop over n units (rows) of unitSize entries each. */
    int elementParts(int n, int unitSize) {
        return ranges(n, threadsFor(n, (long) n * unitSize / ELEMENTWISE_THRESHOLD));
    }

    /** An elementwise loop over [0, n). */
    void forElements(int n, RangeTask task) {
        forElements(n, 1, task);
    }

    /** An elementwise loop over n units (rows) of unitSize entries each. */
    void forElements(int n, int unitSize, RangeTask task) {
        run(n, threadsFor(n, (long) n * unitSize / ELEMENTWISE_THRESHOLD), task);
    }

    /** A loop over [0, n) of the given work in multiply-adds. */
    void forRanges(int n, long work, RangeTask task) {
        run(n, threadsFor(n, work / PARALLEL_THRESHOLD), task);
    }

    private void run(int n, int threadsUsed, RangeTask task) {
        run(n, threadsUsed, ranges(n, threadsUsed), task);
    }

    private void run(int n, int threadsUsed, int ranges, RangeTask task) {
        if (ranges <= 1) {
            task.run(0, 0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable claim = () -> {
            for (int r = next.getAndIncrement(); r < ranges; r = next.getAndIncrement()) {
                task.run(r, (int) ((long) n * r / ranges), (int) ((long) n * (r + 1) / ranges));
            }
        };
        Future<?>[] others = new Future<?>[threadsUsed - 1];
        for (int t = 0; t < others.length; t++) {
            others[t] = POOL.submit(claim);
        }
        claim.run();
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("parallel loop interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("parallel loop failed on a worker thread", e.getCause());
            }
        }
    }
}
