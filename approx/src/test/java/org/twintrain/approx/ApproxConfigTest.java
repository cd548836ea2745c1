package org.twintrain.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApproxConfigTest {

    @Test
    void defaults() {
        ApproxConfig c = ApproxConfig.defaults();
        assertEquals("pwl:4", c.exp().name());
        assertEquals("pwl:3", c.tanh().name());
        assertEquals(SoftmaxGradient.EXACT, c.softmaxGradient());
        assertEquals(Reciprocal.Method.AUTO, c.reciprocal().method());
        assertEquals(Reciprocal.AUTO_ITERATIONS, c.reciprocal().iterations());
        assertEquals(2, c.reciprocal().iterationsFor(16), "at f = 16 two iterations reach one unit");
        assertEquals(2, c.reciprocal().iterationsFor(13));
        assertEquals(3, c.reciprocal().iterationsFor(27));
        assertEquals(3, c.reciprocal().iterationsFor(0), "floating point keeps three");
        assertEquals(-8, c.reciprocal().minExponent());
        assertEquals(20, c.reciprocal().maxExponent());
        assertTrue(!c.cleartextOnly());
        assertEquals(c.exp().name(), c.softmax().exp().name());
    }

    @Test
    void parsesEveryKey() {
        ApproxConfig c = ApproxConfig.parse(Map.of("exp", "taylor:5", "tanh", "exact", "softmax.gradient", "secureml",
                "reciprocal.method", "newton", "reciprocal.iterations", "2", "reciprocal.min-exponent", "-4",
                "reciprocal.max-exponent", "16"));
        assertEquals("taylor:5", c.exp().name());
        assertEquals("exact", c.tanh().name());
        assertEquals(SoftmaxGradient.SECUREML, c.softmaxGradient());
        assertEquals(Reciprocal.Method.NEWTON, c.reciprocal().method());
        assertEquals(2, c.reciprocal().iterations());
        assertEquals(-4, c.reciprocal().minExponent());
        assertEquals(16, c.reciprocal().maxExponent());
        assertTrue(c.cleartextOnly());
    }

    @Test
    void unknownKeysNamesAndValuesListTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("expo", "pwl:4")));
        assertTrue(e.getMessage().contains("expo") && e.getMessage().contains("reciprocal.iterations"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("exp", "pwl:9")));
        assertTrue(e.getMessage().contains("pwl:9") && e.getMessage().contains("taylor:8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("exp", "taylor:1")));
        assertTrue(e.getMessage().contains("taylor:2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("tanh", "pwl:4")));
        assertTrue(e.getMessage().contains("pwl:3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("softmax.gradient", "p-y")));
        assertTrue(e.getMessage().contains("secureml"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("reciprocal.method", "x")));
        assertTrue(e.getMessage().contains("newton"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("reciprocal.iterations", "a")));
        assertTrue(e.getMessage().contains("reciprocal.iterations"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApproxConfig.parse(Map.of("reciprocal.iterations", "99")));
    }

    @Test
    void registryNamesEveryApproximationOfTheTable() {
        assertEquals(java.util.List.of("exact", "relu", "taylor:2", "taylor:3", "taylor:4", "taylor:5", "taylor:6",
                "taylor:7", "taylor:8", "pwl:4", "pwl:5", "pwl:6", "pwl:7", "limit:4", "limit:6", "limit:8", "pwlsm:3",
                "pwlsm:4", "pwlsm:5", "pwlsm:6"), ApproxRegistry.expNames());
        for (String n : ApproxRegistry.expNames()) {
            assertEquals(n, ApproxRegistry.exp(n).name());
        }
        assertEquals(java.util.List.of("exact", "pwl:3"), ApproxRegistry.tanhNames());
    }
}
