package org.twintrain.engine;

import java.util.SplittableRandom;

/** Derives independent, repeatable generators from a run seed and counters; no generator state to save. */
public final class Seeds {
    private Seeds() {
    }

    /** A generator determined by (seed, epoch, step, purpose) alone. */
    public static SplittableRandom random(long seed, long epoch, long step, String purpose) {
        long h = mix(seed);
        h = mix(h ^ epoch);
        h = mix(h ^ step);
        h = mix(h ^ purpose.hashCode());
        return new SplittableRandom(h);
    }

    /** SplitMix64's finalizer: a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
