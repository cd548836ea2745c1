package org.twintrain.sharing.triples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.twintrain.sharing.arith.TwoPartyArithmetic;
import org.twintrain.sharing.channel.InMemoryChannel;
import org.twintrain.sharing.protocol.TruncationMode;
import org.twintrain.sharing.ring.FixedPoint;

class TriplePlanTest {
    private static final FixedPoint F16 = new FixedPoint(16);

    @Test
    void recordedPlanRepeatsTheDryRunForEveryStep() {
        TriplePlan plan = TriplePlan.record(2, 3, F16, TruncationMode.WRAP_FREE, new ToyProgram());
        List<TripleKey> template = TriplePlan.dryRun(F16, TruncationMode.WRAP_FREE, org.twintrain.sharing.protocol.ComparisonProtocol.DEFAULT, new ToyProgram());
        assertEquals(2 * 3 * template.size(), plan.size());
        assertEquals(6, TriplePlan.steps(plan.keys()).size());
        for (int s = 0; s < 6; s++) {
            for (int i = 0; i < template.size(); i++) {
                TripleKey k = plan.key(s * template.size() + i);
                TripleKey t = template.get(i);
                assertEquals(s / 3, k.epoch());
                assertEquals(s, k.step());
                assertEquals(t.layer() + "/" + t.op() + "/" + t.kind(), k.layer() + "/" + k.op() + "/" + k.kind());
            }
        }
        Map<TripleKey.Kind, Integer> counts = plan.counts();
        assertEquals(2 * 6, counts.get(TripleKey.Kind.MATMUL)); // two matmuls per step
        assertTrue(counts.get(TripleKey.Kind.COMPARE) > 0, "comparisons draw DCF keys (the default)");
        assertTrue(counts.get(TripleKey.Kind.TRUNC) > 0, "wrap-free truncation draws truncation pairs");
        assertEquals(plan.size(), counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void thePlanIsExactlyWhatTheProgramTakesWhenItRunsForReal() {
        TriplePlan plan = TriplePlan.record(1, 2, F16, TruncationMode.LOCAL, new ToyProgram());
        // Run steps 0 and 1 for real (another seed) and compare the keys party 0 takes.
        InMemoryChannel[] ch = InMemoryChannel.pair(30_000);
        List<TripleKey> taken = new ArrayList<>();
        Thread peer = new Thread(() -> {
            try (DealerTripleSource s = new DealerTripleSource(1, new byte[] {9}, F16)) {
                TwoPartyArithmetic a = new TwoPartyArithmetic(1, ch[1], s, F16, TruncationMode.LOCAL);
                new ToyProgram().step(a, 0, 0);
                new ToyProgram().step(a, 0, 1);
            }
        });
        peer.start();
        try (DealerTripleSource s = new DealerTripleSource(0, new byte[] {9}, F16)) {
            TwoPartyArithmetic a = new TwoPartyArithmetic(0, ch[0], s, F16, TruncationMode.LOCAL);
            new ToyProgram().step(a, 0, 0);
            new ToyProgram().step(a, 0, 1);
            taken.addAll(s.consumed());
        }
        assertEquals(plan.keys(), taken);
    }

    /** A convolution's forward and both gradients, the gradient keys naming their forward key by tag. */
    private static final TriplePlan.StepProgram CONV_STEP = (a, epoch, step) -> {
        org.twintrain.sharing.arith.ConvGeometry g = new org.twintrain.sharing.arith.ConvGeometry(2, 4, 4, 3, 3, 1, 1);
        org.twintrain.sharing.arith.Matrix x = a.zeros(2, g.inSize()), w = a.zeros(g.patchSize(), g.outChannels());
        a.beginScope(epoch, step, "conv.fwd");
        a.conv2d(x, w, g);
        a.beginScope(epoch, step, "conv.bwd");
        org.twintrain.sharing.arith.Matrix dy = a.zeros(2, g.outSize());
        a.conv2dKernelGrad(x, dy, g);
        a.conv2dInputGrad(dy, w, g);
    };

    @Test
    void aConvolutionPlanRepeatsCorrectlyForEveryStep() {
        // The gradient keys carry their forward key's tag (without epoch and step), so the recorded step repeats.
        TriplePlan plan = TriplePlan.record(1, 2, F16, TruncationMode.WRAP_FREE, CONV_STEP);
        assertEquals(List.of(TripleKey.Kind.CONV, TripleKey.Kind.TRUNC, TripleKey.Kind.CONV_KGRAD, TripleKey.Kind.TRUNC,
                TripleKey.Kind.CONV_IGRAD, TripleKey.Kind.TRUNC),
                plan.keys().subList(0, 6).stream().map(TripleKey::kind).toList());
        InMemoryChannel[] ch = InMemoryChannel.pair(30_000);
        Thread peer = new Thread(() -> {
            try (DealerTripleSource s = new DealerTripleSource(1, new byte[] {9}, F16)) {
                TwoPartyArithmetic a = new TwoPartyArithmetic(1, ch[1], s, F16, TruncationMode.WRAP_FREE);
                CONV_STEP.step(a, 0, 0);
                CONV_STEP.step(a, 0, 1);
            }
        });
        peer.start();
        List<TripleKey> taken = new ArrayList<>();
        try (DealerTripleSource s = new DealerTripleSource(0, new byte[] {9}, F16)) {
            TwoPartyArithmetic a = new TwoPartyArithmetic(0, ch[0], s, F16, TruncationMode.WRAP_FREE);
            CONV_STEP.step(a, 0, 0);
            CONV_STEP.step(a, 0, 1);
            taken.addAll(s.consumed());
        }
        assertEquals(plan.keys(), taken);
    }

    @Test
    void idCoversKeysFractionalBitsAndTruncation() throws Exception {
        TriplePlan a = TriplePlan.record(1, 2, F16, TruncationMode.WRAP_FREE, new ToyProgram());
        TriplePlan same = TriplePlan.record(1, 2, F16, TruncationMode.WRAP_FREE, new ToyProgram());
        assertEquals(a.id(), same.id());
        assertEquals(64, a.id().length());
        assertNotEquals(a.id(), TriplePlan.of(a.keys(), 13, TruncationMode.WRAP_FREE).id());
        assertNotEquals(a.id(), TriplePlan.of(a.keys(), 16, TruncationMode.LOCAL).id());
        assertNotEquals(a.id(), TriplePlan.of(a.keys().subList(1, a.size()), 16, TruncationMode.WRAP_FREE).id());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.write(out);
        TriplePlan back = TriplePlan.read(new ByteArrayInputStream(out.toByteArray()), a.id());
        assertEquals(a.keys(), back.keys());
        assertEquals(a.id(), back.id());
        assertEquals(a.truncation(), back.truncation());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TriplePlan.read(new ByteArrayInputStream(out.toByteArray()), "00".repeat(32)));
        assertTrue(e.getMessage().contains(a.id()), e.getMessage());
    }

    @Test
    void refusesAKeyListedTwiceAndAProgramOutsideItsScope() {
        TripleKey k = new TripleKey(0, 0, "x", 0, TripleKey.Kind.MUL, new int[] {3});
        assertThrows(IllegalArgumentException.class, () -> TriplePlan.of(List.of(k, k), 16, TruncationMode.LOCAL));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TriplePlan.record(1, 1, F16,
                TruncationMode.LOCAL, (a, epoch, step) -> {
                    a.beginScope(epoch, step + 1, "wrong");
                    a.mul(a.zeros(1, 1), a.zeros(1, 1));
                }));
        assertTrue(e.getMessage().contains("beginScope"), e.getMessage());
    }
}
