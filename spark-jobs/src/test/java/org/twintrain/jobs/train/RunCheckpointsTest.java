package org.twintrain.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.twintrain.jobs.TwinTrainConf;

class RunCheckpointsTest {

    @Test
    void theRunIdentityDigestIgnoresOperationalSettingsOnly() {
        TwinTrainConf conf = TwinTrainConf.defaults();
        String base = RunCheckpoints.settingsDigest(conf.asMap());
        for (Map.Entry<String, String> same : Map.of("train.progressEvery", "7", "train.checkpointEvery", "3",
                "train.maxAttempts", "9", "channel.readTimeoutMs", "5", "spark.master", "local[1]").entrySet()) {
            assertEquals(base, RunCheckpoints.settingsDigest(conf.with(same.getKey(), same.getValue()).asMap()),
                    same.getKey() + " may change between attempts");
        }
        for (Map.Entry<String, String> other : Map.of("train.learningRate", "0.05", "train.seed", "2",
                "approx.exp", "taylor:2", "ring.truncation", "exact", "model.name", "secureml",
                "triples.plan", "abc").entrySet()) {
            assertNotEquals(base, RunCheckpoints.settingsDigest(conf.with(other.getKey(), other.getValue()).asMap()),
                    other.getKey() + " changes what is computed");
        }
    }
}
