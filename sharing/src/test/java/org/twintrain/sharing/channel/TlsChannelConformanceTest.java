package org.twintrain.sharing.channel;

import java.time.Duration;

/** The conformance body on a loopback mutual-TLS pair. */
class TlsChannelConformanceTest extends ChannelConformanceTest {
    @Override
    protected Channel[] openPair(Duration timeout) throws Exception {
        return TlsPairs.open(ChannelConfig.defaults().withAllTimeouts(Duration.ofSeconds(10)).withReadTimeout(timeout),
                "conformance");
    }
}
