package org.twintrain.sharing.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ComparisonProtocolTest {

    @Test
    void parsesEveryFormAndGivesItsNameBack() {
        for (String name : new String[] {"auto", "auto:100", "dcf", "dcf:40", "adder"}) {
            assertEquals(name, ComparisonProtocol.parse(name).configName());
        }
        assertEquals(ComparisonProtocol.DEFAULT, ComparisonProtocol.parse(null));
        assertEquals(ComparisonProtocol.DEFAULT, ComparisonProtocol.parse(" AUTO "));
    }

    @Test
    void autoTakesTheDcfUpToItsLimitAndTheAdderAbove() {
        ComparisonProtocol auto = ComparisonProtocol.DEFAULT;
        assertTrue(auto.usesDcf(65536));
        assertFalse(auto.usesDcf(65537));
        assertTrue(ComparisonProtocol.DCF.usesDcf(Integer.MAX_VALUE));
        assertFalse(ComparisonProtocol.ADDER.usesDcf(1));
        assertEquals(32, auto.width(16));
        assertEquals(43, auto.width(27));
        assertEquals(40, ComparisonProtocol.parse("dcf:40").width(16));
        assertEquals(1L << 31, auto.rangeRingUnits(16));
        assertEquals(Long.MAX_VALUE, ComparisonProtocol.ADDER.rangeRingUnits(16));
    }

    @Test
    void badFormsAreRefusedWithWhatIsAccepted() {
        for (String bad : new String[] {"dcf:7", "dcf:65", "dcf:x", "auto:-1", "fss", "auto:"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComparisonProtocol.parse(bad));
            assertTrue(e.getMessage().contains("ring.comparison"), e.getMessage());
        }
    }
}
