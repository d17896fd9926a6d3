package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CBD's final flags: the whole-set split, kept within the classes stage 1 named. */
class FlaggingTest {

    @Test
    void flagsOutsideTheNamedClassesAreDropped() {
        boolean[] flagged = {true, true, false, true, true};
        int[] labels = {0, 1, 0, 2, 0};
        assertArrayEquals(new boolean[] {true, false, false, false, true},
                CbdScores.withinClasses(flagged, labels, List.of(0)));
        assertArrayEquals(new boolean[] {true, true, false, false, true},
                CbdScores.withinClasses(flagged, labels, List.of(0, 1)));
    }

    @Test
    void withoutNamedClassesEveryFlagStays() {
        boolean[] flagged = {true, false, true};
        boolean[] out = CbdScores.withinClasses(flagged, new int[] {3, 1, 2}, List.of());
        assertArrayEquals(flagged, out);
        out[0] = false;
        assertArrayEquals(new boolean[] {true, false, true}, flagged, "the input is not changed");
    }
}
