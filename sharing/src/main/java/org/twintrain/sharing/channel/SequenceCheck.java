package org.twintrain.sharing.channel;

/**
 * The receive-side order check every channel applies: messages must arrive numbered 0, 1, 2, ... and with
 * the length the receiver expects. A replayed, dropped or reordered message breaks the numbering; a length
 * mismatch means the two parties run different programs. One caller thread per channel, so no locking.
 */
final class SequenceCheck {
    private final String peerName;
    private long expected;

    SequenceCheck(String peerName) {
        this.peerName = peerName;
    }

    /** Checks a message header before its payload is read; on success the next number is expected. */
    void accept(long sequence, int length, int expectedLength) {
        if (sequence != expected) {
            String kind = sequence < expected ? "replayed" : "reordered or after a dropped message";
            throw new ChannelException("message " + sequence + " from " + peerName + " out of sequence (expected "
                    + expected + "; " + kind + ")");
        }
        if (length != expectedLength) {
            throw new ChannelException("message " + sequence + " from " + peerName + " has " + length
                    + " words, expected " + expectedLength + ": the parties run different programs");
        }
        expected++;
    }

    /** Number of messages accepted so far. */
    long accepted() {
        return expected;
    }
}
