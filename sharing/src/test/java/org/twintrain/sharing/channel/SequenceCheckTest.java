package org.twintrain.sharing.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceCheckTest {
    @Test
    void acceptsConsecutiveNumbersAndCountsThem() {
        SequenceCheck check = new SequenceCheck("peer p");
        for (int i = 0; i < 5; i++) {
            check.accept(i, 3, 3);
        }
        assertEquals(5, check.accepted());
    }

    @Test
    void replayReorderAndLengthAreRejectedNamingThePeer() {
        SequenceCheck check = new SequenceCheck("peer p");
        check.accept(0, 1, 1);
        ChannelException replay = assertThrows(ChannelException.class, () -> check.accept(0, 1, 1));
        assertTrue(replay.getMessage().contains("peer p") && replay.getMessage().contains("replayed"),
                replay.getMessage());
        ChannelException skip = assertThrows(ChannelException.class, () -> check.accept(2, 1, 1));
        assertTrue(skip.getMessage().contains("expected 1"), skip.getMessage());
        ChannelException length = assertThrows(ChannelException.class, () -> check.accept(1, 4, 5));
        assertTrue(length.getMessage().contains("has 4 words, expected 5"), length.getMessage());
        assertEquals(1, check.accepted());
    }
}
