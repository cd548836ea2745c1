package org.twintrain.sharing.channel;

import java.time.Duration;

/** The conformance body on the in-memory pair. */
class InMemoryChannelTest extends ChannelConformanceTest {
    @Override
    protected Channel[] openPair(Duration timeout) {
        return InMemoryChannel.pair(timeout.toMillis());
    }
}
