package org.cbd4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Coordinates checked by hand. The default chart is 460 x 300 with a plot area from x = 62 to
 * 444 (460 - 16) and from y = 252 (300 - 48) up to 34.
 */
class SvgTest {

    private static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertTrue(m.find(), regex + " not in " + s);
        return m.group(1);
    }

    @Test
    void numbersHaveTwoDecimalsAtMostAndNoNegativeZero() {
        assertEquals("12.5", Svg.num(12.5));
        assertEquals("60", Svg.num(60.0));
        assertEquals("316.67", Svg.num(316.6666));
        assertEquals("0", Svg.num(-0.001));
        assertEquals("-3.25", Svg.num(-3.25));
        assertEquals("a&lt;b &amp; &quot;c&quot;", Svg.esc("a<b & \"c\""));
    }

    @Test
    void niceScalesEndOnRoundTicks() {
        Svg.Scale s = Svg.Scale.nice(0.03, 0.97, 0, 100, 5, false);
        assertEquals(0, s.lo(), 1e-12);
        assertEquals(1, s.hi(), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, s.ticks(), 1e-9);
        assertEquals("0.4", s.label(s.ticks()[2]));
        Svg.Scale epochs = Svg.Scale.nice(1, 3, 0, 10, 6, true);
        assertArrayEquals(new double[] {1, 2, 3}, epochs.ticks(), 0);
        assertEquals("2", epochs.label(2));
        assertEquals(5, epochs.at(2), 1e-12);
    }

    /** x 1..3 over 62..444, y 0..1 over 252..34: (2, 0.5) lies at (253, 143). */
    @Test
    void lineChartPlacesPointsWhereTheScalesSay() {
        String svg = Charts.line("curve", "epoch", "loss",
                List.of(new Charts.Series("f_C", "#123456", new double[] {1, 2, 3}, new double[] {0, 0.5, 1})), null);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"curve\" "
                + "width=\"460\" height=\"300\" viewBox=\"0 0 460 300\""), svg);
        assertTrue(svg.contains("<g class=\"series\" data-series=\"f_C\"><polyline class=\"line\" fill=\"none\" "
                + "stroke=\"#123456\" points=\"62,252 253,143 444,34\"/>"), svg);
        assertEquals(3, count(svg, "<circle class=\"marker\""));
        assertTrue(svg.contains("cx=\"253\" cy=\"143\""), svg);
        assertTrue(svg.contains(">epoch</text>") && svg.contains(">loss</text>"), "axis labels");
        assertTrue(svg.contains("class=\"legend-text\" x=\"78\" y=\"14\" text-anchor=\"start\">f_C</text>"), svg);
        assertTrue(svg.endsWith("</svg>"));
    }

    /** A NaN breaks the line; the lone first point keeps its marker but gets no polyline. */
    @Test
    void aMissingValueBreaksTheLine() {
        String svg = Charts.line("gap", "epoch", "asr", List.of(new Charts.Series("f_B", "#000000",
                new double[] {1, 2, 3, 4}, new double[] {0, Double.NaN, 0.5, 1})), null);
        assertEquals(1, count(svg, "<polyline"));
        // x: 1..4 over 62..444, so 3 is at 62 + 382 * 2/3 = 316.67.
        assertEquals("316.67,143 444,34", first(svg, "points=\"([^\"]*)\""));
        assertEquals(3, count(svg, "<circle class=\"marker\""));
        assertFalse(svg.contains("NaN"));
    }

    /**
     * Bins [0, 0.5) and [0.5, 1] over x 62..253..444; heights up to 4 over y 252..34 (54.5 px per
     * unit); two groups share each bin, 95.5 px each.
     */
    @Test
    void histogramBarsAndThresholdMarker() {
        String svg = Charts.histogram("hist", "suspicion", "share", new double[] {0, 0.5, 1},
                List.of(new Charts.Series("clean", "#111111", null, new double[] {2, 0}),
                        new Charts.Series("poisoned", "#222222", null, new double[] {1, 4})), 0.5, "flagged above");
        assertTrue(svg.contains("x=\"62\" y=\"143\" width=\"95.5\" height=\"109\" fill=\"#111111\""), svg);
        assertTrue(svg.contains("x=\"157.5\" y=\"197.5\" width=\"95.5\" height=\"54.5\" fill=\"#222222\""), svg);
        assertTrue(svg.contains("x=\"348.5\" y=\"34\" width=\"95.5\" height=\"218\" fill=\"#222222\""), svg);
        assertEquals(3, count(svg, "class=\"bar\""), "a zero-height bar is left out");
        assertTrue(svg.contains("<line class=\"threshold\" x1=\"253\" y1=\"34\" x2=\"253\" y2=\"252\"/>"), svg);
        assertTrue(svg.contains(">flagged above</text>"));
    }

    /** Row shares 0.75 / 0.25; 0.75 of the way from white to #08306b is #466490. */
    @Test
    void heatmapShadesEachRowByItsShare() {
        String svg = Charts.heatmap("cm", "true class", "predicted class", new String[] {"0", "1"},
                new String[] {"0", "1"}, new long[][] {{3, 1}, {0, 0}});
        assertTrue(svg.contains("x=\"62\" y=\"34\" width=\"34\" height=\"34\" fill=\"#466490\""), svg);
        assertTrue(svg.contains("x=\"96\" y=\"34\" width=\"34\" height=\"34\" fill=\"#c1cbda\""), svg);
        assertTrue(svg.contains("x=\"62\" y=\"68\" width=\"34\" height=\"34\" fill=\"#ffffff\""), svg);
        assertEquals(4, count(svg, "class=\"cell\""));
        assertTrue(svg.contains(">3</text>") && svg.contains("75.0 % of the row"), svg);
    }

    @Test
    void groupedBarsMarkMissingValues() {
        String svg = Charts.groupedBars("bars", "CA (%)", new String[] {"badnets", "blend"},
                List.of(new Charts.Series("none", "#111111", null, new double[] {90, 80}),
                        new Charts.Series("cbd", "#222222", null, new double[] {88, Double.NaN})),
                new double[] {0, 100});
        assertEquals(3, count(svg, "class=\"bar\""));
        assertTrue(svg.contains(">n/a</text>") && svg.contains(">88.0</text>"), svg);
        // y 0..100 over 252..34: 90 is at 252 - 0.9 * 218 = 55.8.
        assertTrue(svg.contains("y=\"55.8\""), svg);
        assertTrue(svg.contains("data-series=\"cbd\""));
    }

    @Test
    void scatterDrawsEveryPointInItsSeries() {
        String svg = Charts.scatter("pca", "pc1", "pc2", List.of(
                new Charts.Series("class 0", Charts.colour(0), new double[] {0, 1}, new double[] {0, 1}),
                new Charts.Series("poisoned", Charts.POISONED, new double[] {0.5}, new double[] {0.5})));
        assertEquals(3, count(svg, "<circle"));
        assertTrue(svg.contains("cx=\"253\" cy=\"143\" r=\"2.6\" fill=\"#d62728\""), svg);
    }
}
