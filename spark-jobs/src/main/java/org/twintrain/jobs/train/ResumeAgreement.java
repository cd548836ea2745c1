package org.twintrain.jobs.train;

import java.util.List;
import org.twintrain.sharing.channel.Channel;

/**
 * The two servers agree on where a resumed run continues: each sends the list of checkpoint steps it holds
 * (public: step counts, no values) and both take the largest step that both hold, or 0 when they share none.
 * A first message carries a tag and the checkpoint interval, so servers configured differently fail with a
 * clear message instead of drifting out of step.
 */
public final class ResumeAgreement {
    static final long HELLO = 0x5454524553554d45L; // "TTRESUME"
    static final long COMMITTED = 0x5454434b50544f4bL; // "TTCKPTOK"

    private ResumeAgreement() {
    }

    /** Exchanges the lists of checkpoint steps with the peer and returns the largest step both hold (0: none). */
    public static long agree(Channel channel, long checkpointEvery, List<Long> mySteps) {
        long[] mine = {HELLO, checkpointEvery, mySteps.size()};
        long[] theirs = channel.exchange(mine);
        if (theirs[0] != HELLO) {
            throw new IllegalStateException("peer " + channel.peerName() + " is not at the start of a resumable run"
                    + " (the two servers run different programs or versions)");
        }
        if (theirs[1] != checkpointEvery) {
            throw new IllegalArgumentException("peer " + channel.peerName() + " checkpoints every " + theirs[1]
                    + " steps, this server every " + checkpointEvery + ": set the same train.checkpointEvery on both");
        }
        if (theirs[2] < 0 || theirs[2] > 1_000_000) {
            throw new IllegalStateException("peer " + channel.peerName() + " claims " + theirs[2] + " checkpoints");
        }
        long[] list = new long[mySteps.size()];
        for (int i = 0; i < list.length; i++) {
            list[i] = mySteps.get(i);
        }
        channel.send(list);
        long[] peerSteps = channel.receive((int) theirs[2]);
        return largestCommon(list, peerSteps);
    }

    /** The largest value in both arrays, 0 when there is none. */
    static long largestCommon(long[] a, long[] b) {
        long best = 0;
        for (long x : a) {
            for (long y : b) {
                if (x == y && x > best) {
                    best = x;
                }
            }
        }
        return best;
    }

    /**
     * After writing the checkpoint of step: tells the peer and waits for the peer's word that it holds the same
     * checkpoint. Returns only when both servers hold it, so the caller may then commit the triples used before
     * it (no agreement can fall below this step any more).
     */
    public static void confirm(Channel channel, long step) {
        long[] theirs = channel.exchange(new long[] {COMMITTED, step});
        if (theirs[0] != COMMITTED || theirs[1] != step) {
            throw new IllegalStateException("peer " + channel.peerName() + " did not confirm the checkpoint of step "
                    + step + (theirs[0] == COMMITTED ? " (it confirmed step " + theirs[1] + ")" : ""));
        }
    }
}
